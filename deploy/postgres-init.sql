-- Roles and databases of the compose stack: the product's own database and Temporal's two.
CREATE ROLE smog LOGIN PASSWORD 'smog';
CREATE DATABASE smog OWNER smog;
CREATE ROLE temporal LOGIN PASSWORD 'temporal' CREATEDB;
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
