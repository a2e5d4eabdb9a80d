"""Groups the engine's messages into causes, so that a sweep over many files says which
problems hit how many files: ids, names and values in a message (quoted, or ${...}) are
replaced by placeholders, and the files each cause hit are counted once."""

import collections
import re

QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\$\{[^}]*\}|#\{[^}]*\}")
NUMBERS = re.compile(r"\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\(line \d+\)|\b\d+\b")


def cause_of(message):
    text = QUOTED.sub("'…'", str(message))
    text = NUMBERS.sub("N", text)
    return " ".join(text.split())[:220]


def messages_of(outcome):
    """The messages that explain an outcome: every deploy problem, else the detail."""
    if outcome.klass == "refused":
        messages = [p.get("message", str(p)) if isinstance(p, dict) and "message" in p else None
                    for p in outcome.problems]
        messages = [m for m in messages if m]
        return messages or [outcome.detail]
    if outcome.klass in ("failed", "start_failed", "stuck", "long_timer", "no_end"):
        return [outcome.detail]
    return []


def ranked_causes(outcomes):
    """[(cause, classes, [file names])], most files first."""
    files = collections.defaultdict(set)
    classes = collections.defaultdict(set)
    for outcome in outcomes:
        for message in messages_of(outcome):
            cause = cause_of(message)
            files[cause].add(outcome.path.rsplit("/", 1)[-1])
            classes[cause].add(outcome.klass)
    return sorted(((cause, sorted(classes[cause]), sorted(names)) for cause, names in files.items()),
                  key=lambda item: (-len(item[2]), item[0]))
