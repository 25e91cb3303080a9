# The datagraph API server (`docker compose up -d` starts it with Neo4j and Qdrant).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# torch first, from the CPU-only index: the default wheel brings several GB of CUDA libraries.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

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
