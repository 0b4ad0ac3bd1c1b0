# Multi-stage images for the gateway and the unit service.
#   docker build --target gateway  -t healthgateway/gateway .
#   docker build --target unitnode -t healthgateway/unitnode .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Akka.sln ./
COPY hocon/ hocon/
COPY src/ src/
# The gateway is published for the build machine's runtime, so it is precompiled (ReadyToRun, ADR 25).
RUN dotnet publish src/Gateway/Gateway.csproj -c Release --use-current-runtime --self-contained false -o /out/gateway \
 && dotnet publish src/UnitNode/UnitNode.csproj -c Release -o /out/unitnode

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS gateway
WORKDIR /app
COPY --from=build /out/gateway ./
# Data (SQLite, dev key) on a volume owned by the non-root app user (uid 1654 in .NET images).
RUN mkdir -p /data && chown app:app /data
VOLUME /data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Gateway__DataDirectory=/data
EXPOSE 8080 4053
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["dotnet", "HealthGateway.Gateway.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "HealthGateway.Gateway.dll"]

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS unitnode
WORKDIR /app
COPY --from=build /out/unitnode ./
RUN mkdir -p /data && chown app:app /data
VOLUME /data
USER app
ENV Unit__DataDirectory=/data
ENTRYPOINT ["dotnet", "HealthGateway.UnitNode.dll"]
