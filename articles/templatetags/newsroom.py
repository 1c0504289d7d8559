from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """``{{ marks|get_item:article.pk }}``: a dict lookup by a variable."""
    return mapping.get(key) if mapping else None
