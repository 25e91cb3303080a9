"""Sample catalogs bundled with datagraph, so the demo and the tests have a realistic graph to work on.

`retail` is a small PostgreSQL retail warehouse in three dbt layers (raw ->
staging -> marts) with column-level lineage, classified personal data, owners,
tags, a glossary and an ODRL policy.
"""
