# stock-api-simulator in a container. Binds 0.0.0.0 inside the container only (the CLI's own default is
# 127.0.0.1). The shipped scenarios are in the package (--scenario rate-limited-shop); mount your own scenario files
# at /scenarios and, for state that survives restarts, a volume at /data:
#   docker run -p 8080:8080 -v "$PWD/my-scenarios:/scenarios:ro" -v stocksim-data:/data stocksim \
#     --scenario /scenarios/shop.yaml --db /data/sim.db
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY simulator ./simulator
RUN pip install . \
    && useradd --create-home --uid 10001 stocksim \
    && mkdir -p /scenarios /data \
    && chown stocksim:stocksim /scenarios /data

USER stocksim
VOLUME ["/scenarios", "/data"]
ENV STOCKSIM_HOST=0.0.0.0 STOCKSIM_PORT=8080
EXPOSE 8080

HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/_sim/health', timeout=2).status != 200)"]

ENTRYPOINT ["stocksim"]
CMD ["serve"]
