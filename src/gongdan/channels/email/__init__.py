"""Email in and out: mailboxes (IMAP polling or MTA pipe), parsing, threading, outbound mail."""
