"""Datasets as the contract defines them: the schema, reading and validating the folder, date expressions, the load cache."""
