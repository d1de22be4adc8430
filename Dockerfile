# The gateway built from this repository. Build: docker build -t cbec-gateway .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
# the published schemas (JSON Schema, XSD) go into the jar
COPY schemas schemas
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /opt/cbec-gateway
COPY --from=build /src/target/cbec-gateway.jar ./
COPY --from=build /src/target/lib ./lib
COPY routes routes
COPY config config
COPY certs-example certs-example
ENV GATEWAY_DATA_DIR=/var/lib/cbec-gateway
VOLUME /var/lib/cbec-gateway
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "cbec-gateway.jar", "run"]
