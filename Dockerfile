# stock-api-simulator in a container. Binds 0.0.0.0 inside the container only (the CLI's own default is
# 127.0.0.1). The shipped scenarios are in the package (--scenario rate-limited-shop); mount your own scenario files
# at /scenarios and, for state that survives restarts, a volume at /data:
#   docker run -p 8080:8080 -v "$PWD/my-scenarios:/scenarios:ro" -v stocksim-data:/data stocksim \
#     --scenario /scenarios/shop.yaml --db /data/sim.db
# Every setting is also a STOCKSIM_* variable (-e STOCKSIM_PORT=9000: the health check follows it). Compose, CI and
# Kubernetes recipes: deploy/. tests/deploy/test_dockerfile.py lints this file and replays its steps without Docker.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/opt/stocksim UV_PYTHON_DOWNLOADS=never UV_NO_CACHE=1 UV_COMPILE_BYTECODE=1

WORKDIR /app
COPY pyproject.toml uv.lock README.md LICENSE ./
COPY simulator ./simulator
# The versions uv.lock pins, which `make test` tested, not whatever is newest on the day of the build; the project
# itself as a wheel (--no-editable), so nothing at run time reads /app. uv is the Makefile's UV_VERSION.
RUN pip install uv==0.13.9 \
    && uv sync --frozen --no-editable \
    && pip uninstall --yes uv
RUN useradd --create-home --uid 10001 --user-group stocksim \
    && mkdir -p /scenarios /data \
    && chown 10001:10001 /scenarios /data
ENV PATH=/opt/stocksim/bin:$PATH

# By number, so that a runtime that checks runAsNonRoot (Kubernetes) can tell without the image's /etc/passwd.
USER 10001:10001
VOLUME ["/scenarios", "/data"]
ENV STOCKSIM_HOST=0.0.0.0 STOCKSIM_PORT=8080
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('STOCKSIM_PORT') or '8080'; sys.exit(urllib.request.urlopen(f'http://127.0.0.1:{port}/_sim/health', timeout=2).status != 200)"]

ENTRYPOINT ["stocksim"]
CMD ["serve"]
