"""Operations: what the service tells about itself (Prometheus metrics, request log lines)."""
