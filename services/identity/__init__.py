"""Who the customer is: captchas, SMS codes, passwords, sessions, accounts."""
