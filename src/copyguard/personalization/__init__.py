"""The machinery behind the ``personalization`` and ``consent`` checks.

:mod:`copyguard.provenance` finds which words come from the recipient's data;
the modules here turn that (and the language lexicons in ``data/personalization/``) into
findings: name usage, surveillance phrasing, freshness and relevance.
"""
