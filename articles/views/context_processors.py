from django.conf import settings


def site(request) -> dict:
    """What every page's header needs to know about this instance."""
    return {"signup_open": settings.SIGNUP}
