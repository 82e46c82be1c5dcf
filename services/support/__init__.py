"""The support desk: staff accounts and sessions, customer views, reviews, legal holds."""
