"""signalen: a workbench for signaalmanagement (Dutch municipal citizen signals -> actionable topics)."""
__version__ = "0.1.0"
