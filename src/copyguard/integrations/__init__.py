"""Adapters that put copyguard around copy generators (``copyguard.integrations.langchain``).

:mod:`copyguard.integrations.policy` holds what is framework-independent: the ``on_fail``
policies, the result of a guarded generation and the feedback sent back to a model.
"""
