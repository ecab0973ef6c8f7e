# Production image for the CRM: gunicorn serves crm_site.wsgi:application on port 8000;
# the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=crm_site.settings.production

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, from the lock alone (exact versions, every file's hash checked), so code
# changes reuse this layer. The project itself is not installed: it runs from /app.
COPY requirements/base.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.txt && rm /tmp/requirements.txt

COPY --chown=app:app . .
# var/ holds static files (baked in below), media (a volume) and the beat schedule.
RUN mkdir -p var/staticfiles var/media && chown -R app:app var

USER app

# The secret and host here are throwaway values for this one build step, never kept in the
# image; the real ones come from the environment at run time. REDIS_URL stops the settings
# from creating the filesystem-broker folders.
RUN SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=localhost \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_SETTINGS_MODULE=crm_site.settings.production \
    python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "crm_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
