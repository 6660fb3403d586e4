#!/bin/bash
# Container health check without curl (the runtime image has none): GET /health on the
# service's plain-HTTP port and succeed on 200.
exec 3<>/dev/tcp/127.0.0.1/"${HEALTH_PORT:-8081}" || exit 1
printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
head -n 1 <&3 | grep -q ' 200 '
