# The datagraph API server (`docker compose up -d` starts it with Neo4j and Qdrant).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Only what the package needs, so that the image does not depend on local files such as .venv.
COPY pyproject.toml README.md ./
COPY ontology ontology
COPY graph graph
COPY governance governance
COPY semantic semantic
COPY gnn gnn
COPY agents agents
COPY loaders loaders
COPY api api
RUN pip install .

EXPOSE 8000
CMD ["datagraph", "serve", "--host", "0.0.0.0"]
