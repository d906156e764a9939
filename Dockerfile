# syntax=docker/dockerfile:1
# jhtbatch: one static binary; the same image runs `serve`, `work`, `all` and `migrate`.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO off: a static binary that runs on distroless/static (no libc).
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o /out/jhtbatch ./cmd/jhtbatch

# distroless/static has CA certificates, tzdata (BUSINESS_TZ=Asia/Jakarta) and a nonroot user (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/jhtbatch /usr/local/bin/jhtbatch
USER nonroot:nonroot
ENV HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/jhtbatch"]
CMD ["all"]
