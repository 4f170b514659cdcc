"""Text messages (短信) through Aliyun or Tencent Cloud SMS: the ``sms`` notification channel."""
