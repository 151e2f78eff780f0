"""``briefing import``: real data (UCDP GED, ACLED, GDELT, any spreadsheet) into a contract dataset.

Each format is a converter module (``ucdp``, ``acled``, ``gdelt``, ``table``)
with ``TITLE`` (for the report), ``LICENCE`` and ``ATTRIBUTION`` (the
publisher's terms, carried into the dataset), optional ``BUILTIN_ALIASES`` (a
path to an aliases.csv of known spellings) and ``convert(request) ->
ContractTables``, and a ``Format`` declaring its command line (help, its own
options, which of them arrive in ``request.options``) in :mod:`.formats`
(:mod:`.base` says why the two are apart). ``run.import_dataset`` does the rest
(aliases, writing, validation, the report) the same way for all.
"""
