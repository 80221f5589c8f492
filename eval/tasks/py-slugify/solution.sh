cat > slug.py <<'PY'
"""Turn titles into URL slugs."""
import re
import unicodedata


def slugify(title):
    """'Hello, World!' -> 'hello-world'."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")
PY
