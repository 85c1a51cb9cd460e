"""Which model is live now: the one place that answers "the current topic model" and "the current
perception model" (``topic_models.is_current`` / ``perception_models.is_current``)."""
from __future__ import annotations


def current_topic_model(db) -> str | None:
    """model_version of the current topic model, else the newest one, else None."""
    if not db.table_exists("topic_models"):
        return None
    v = db.scalar("SELECT model_version FROM topic_models WHERE is_current ORDER BY created_at DESC LIMIT 1")
    if v is None:
        v = db.scalar("SELECT model_version FROM topic_models ORDER BY created_at DESC LIMIT 1")
    return v


def current_perception_model(db) -> str | None:
    if not db.table_exists("perception_models"):
        return None
    return db.scalar("SELECT model_version FROM perception_models WHERE is_current ORDER BY created_at DESC LIMIT 1")


def current_category_model(db) -> str | None:
    """model_id of the category model that assigns categories now (``category_models.is_current``),
    else None (the topic model's categories stay)."""
    if not db.table_exists("category_models"):
        return None
    return db.scalar("SELECT model_id FROM category_models WHERE is_current ORDER BY created_at DESC LIMIT 1")
