# valuate in a container: a slim Python image with durable-rules built in a
# builder stage, so the final image carries no compiler.
#
#   docker build -t valuate .
#   docker build --build-arg PYTHON_VERSION=3.13 -t valuate:py3.13 .
#   docker run --rm -v "$PWD:/work" valuate check catalog.yaml
#
# The working directory is /work: mount the repository there, and valuate
# finds its valuate.toml as usual.
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc g++ \
    && rm -rf /var/lib/apt/lists/*
# durable-rules 2.0.28 has no wheels; on 3.13 its C code calls PyEval_CallObject,
# which 3.13 removed (it was a macro for PyObject_CallObject). Harmless before 3.13.
ENV CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject
COPY . /src
# valuate and every dependency as wheels (durable-rules compiled here).
RUN pip wheel --no-cache-dir --wheel-dir /wheels /src

FROM python:${PYTHON_VERSION}-slim
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl \
    && rm -rf /wheels
RUN useradd --create-home --uid 1000 valuate
USER valuate
WORKDIR /work
ENTRYPOINT ["valuate"]
CMD ["--help"]
