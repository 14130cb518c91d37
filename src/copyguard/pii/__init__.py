"""PII and sensitive-attribute detection for the ``pii`` and ``sensitive`` checks.

* :mod:`~copyguard.pii.analyzer`: Presidio analyzers per language and region, one analysis per
  draft shared by both checks (:func:`~copyguard.pii.analyzer.detections`).
* :mod:`~copyguard.pii.recognizers`, :mod:`~copyguard.pii.national`: copyguard's recognizers.
* :mod:`~copyguard.pii.context`: context words around a match (no lemmas needed).
* :mod:`~copyguard.pii.profile`: the recipient's own values as ad-hoc recognizers.
* :mod:`~copyguard.pii.names`: names that are not the recipient's.
* :mod:`~copyguard.pii.attributes`: sensitive attributes directed at the reader.
* :mod:`~copyguard.pii.allow`, :mod:`~copyguard.pii.fixes`: the brand allow-list and the
  presidio-anonymizer fixes.

See docs/pii.md.
"""
