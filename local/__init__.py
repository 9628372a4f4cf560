"""The local runner: the real handlers, in-process, against moto in server mode.

Everything it creates (tables, indexes, queues, the user pool, routes, environment) is
read from template.yaml, so what runs here is what deploys."""
