# Production image for Luoshi: gunicorn serves the app, whitenoise serves static files.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LUOSHI_MODE=production
WORKDIR /app
# LibreOffice headless converts old .doc/.wps/.xls/.et/.rtf plan documents; CJK fonts for their text;
# libgl1/libglib2.0-0 for OpenCV, which the OCR engine (rapidocr-onnxruntime) uses
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
        libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       python manage.py collectstatic --noinput
RUN useradd --system --home /app luoshi && mkdir -p /app/media && chown luoshi /app/media
USER luoshi
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
