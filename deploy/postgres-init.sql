-- Each service owns its own database (docker-compose: run once on an empty volume).
CREATE DATABASE ingestion;
CREATE DATABASE selectivity;
