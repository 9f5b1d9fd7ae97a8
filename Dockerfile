# syntax=docker/dockerfile:1
# Folio: one static binary plus ffmpeg, running as a non-root user.
# The final image is about 120 MB, nearly all of it ffmpeg and its libraries
# (estimated from the package sizes; no Docker engine was at hand to build).

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/folio ./cmd/folio

FROM alpine:3.22
RUN apk add --no-cache ffmpeg git ca-certificates tzdata \
    && adduser -D -H -u 10001 folio
COPY --from=build /out/folio /usr/local/bin/folio
USER 10001:10001
ENV FOLIO_HTTP_ADDR=:8080 \
    FOLIO_METRICS_ADDR=:9090
# 8080: the site and API; 9090: /metrics and /healthz, for the cluster only.
EXPOSE 8080 9090
# busybox wget is in the base image; /healthz only says the process serves.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/folio"]
CMD ["serve"]
