"""The tool repository (paper §4.1): the field taxonomy (``taxonomy``), tool specs generated per
subfield (``toolgen``) and imported from public formats (``importers``), validation and
de-duplication (``repository``, ``dedup``), and the seed data they start from (``data``)."""
