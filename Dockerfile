# The Newsroom web image: gunicorn serving Django, static files collected at
# build time and served by whitenoise (compressed, hashed names).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY newsroom newsroom
COPY articles articles
RUN pip install --no-cache-dir .
COPY . .
# collectstatic only reads settings; a throwaway key satisfies DEBUG=0.
RUN SECRET_KEY=collectstatic-only DEBUG=0 python manage.py collectstatic --noinput
RUN useradd --system --no-create-home newsroom
USER newsroom
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"
CMD ["sh", "docker/start-web"]
