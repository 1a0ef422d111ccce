"""One router per resource: stories and articles (REST), pages (HTML)."""
