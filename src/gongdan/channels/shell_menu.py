"""This app's pages in the workspace's Settings menu (``gongdan.core.settings_menu``): every
channel page is for administrators (``channels.policies.may_manage_channels``)."""

from django.utils.translation import gettext_lazy as _

from gongdan.core.settings_menu import ADMIN_ONLY, GROUP_CHANNELS, SettingsPage

PAGES = (
    SettingsPage(
        key="mailboxes",
        group=GROUP_CHANNELS,
        label=_("Mailboxes"),
        url_name="channels:mailbox_list",
        roles=ADMIN_ONLY,
        description=_("Support addresses fetched over IMAP or POP3, and their teams"),
        order=10,
    ),
    SettingsPage(
        key="inbound_mail",
        group=GROUP_CHANNELS,
        label=_("Inbound mail"),
        url_name="channels:inbound_list",
        roles=ADMIN_ONLY,
        description=_("Received messages, quarantine and retries"),
        order=20,
    ),
    SettingsPage(
        key="mail_domains",
        group=GROUP_CHANNELS,
        label=_("Mail domains"),
        url_name="channels:maildomain_list",
        roles=ADMIN_ONLY,
        description=_("Sender domains mapped to customer organizations"),
        order=30,
    ),
    SettingsPage(
        key="mail_templates",
        group=GROUP_CHANNELS,
        label=_("Mail templates"),
        url_name="mail_templates:list",
        roles=ADMIN_ONLY,
        description=_("The wording of the mails sent to customers and agents"),
        order=40,
    ),
    SettingsPage(
        key="robots",
        group=GROUP_CHANNELS,
        label=_("Group robots"),
        url_name="channels:robot_list",
        roles=ADMIN_ONLY,
        description=_("WeCom, DingTalk and Feishu group robots that post ticket events"),
        order=50,
    ),
    SettingsPage(
        key="webhooks",
        group=GROUP_CHANNELS,
        label=_("Webhooks"),
        url_name="channels:webhook_list",
        roles=ADMIN_ONLY,
        description=_("Signed HTTP callbacks to other systems, with their deliveries"),
        order=60,
    ),
    SettingsPage(
        key="web_forms",
        group=GROUP_CHANNELS,
        label=_("Web forms"),
        url_name="channel_settings:webforms",
        roles=ADMIN_ONLY,
        description=_("Embed snippet"),
        order=70,
    ),
    SettingsPage(
        key="im_apps",
        group=GROUP_CHANNELS,
        label=_("IM apps"),
        url_name="channel_settings:im_apps",
        roles=ADMIN_ONLY,
        description=_("WeCom, DingTalk, Feishu"),
        order=80,
    ),
    SettingsPage(
        key="sms",
        group=GROUP_CHANNELS,
        label=_("SMS providers"),
        url_name="channel_settings:sms_list",
        roles=ADMIN_ONLY,
        description=_("With a test send"),
        order=90,
    ),
)
