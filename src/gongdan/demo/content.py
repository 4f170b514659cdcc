"""Bilingual demo content shared by ``seed_demo`` and ``seed_bench`` (data only, no logic).

Each ticket template carries its own conversation (``Talk``), so a seeded ticket about a SAP
posting never gets replies about a UPS battery.

Everything here is fictional: companies use ``example.cn`` / ``example.com`` domains and mobile
numbers in the 170-range reserved for virtual operators.
"""

from __future__ import annotations

from typing import NamedTuple

DEMO_PASSWORD = "gongdan-demo"


class TeamSpec(NamedTuple):
    code: str
    name: str
    kind: str
    description: str


TEAMS = [
    TeamSpec(
        "it-ops", "IT 运维 IT Operations", "function", "桌面、网络、邮箱与账号 Desktop, network"
    ),
    TeamSpec(
        "erp", "ERP 支持 ERP Support", "function", "SAP / 用友 ERP 与业务系统 Business systems"
    ),
    TeamSpec(
        "field", "售后维修 Field Service", "function", "设备上门维修 On-site equipment repair"
    ),
    TeamSpec("care", "客户关怀 Customer Care", "function", "投诉与回访 Complaints and follow-up"),
    TeamSpec("east", "华东服务台 East China Desk", "region", "上海、苏州、杭州 Shanghai region"),
    TeamSpec("south", "华南服务台 South China Desk", "region", "深圳、广州 Shenzhen region"),
    TeamSpec("north", "华北服务台 North China Desk", "region", "北京、天津 Beijing region"),
]


class TypeSpec(NamedTuple):
    code: str
    name: str
    name_en: str
    team: str
    is_onsite: bool
    description: str


TICKET_TYPES = [
    TypeSpec("incident", "故障", "Incident", "it-ops", False, "服务中断或质量下降 Something broke"),
    TypeSpec(
        "request",
        "服务请求",
        "Service request",
        "it-ops",
        False,
        "账号、权限、软件安装 Accounts, access, installs",
    ),
    TypeSpec("complaint", "投诉", "Complaint", "care", False, "对服务不满意 Unhappy with service"),
    TypeSpec(
        "repair",
        "现场维修",
        "Field repair",
        "field",
        True,
        "工程师上门维修设备 An engineer repairs equipment on site",
    ),
]

# (code, name, English name, ticket type or "", children)
CATEGORY_TREE: list[tuple[str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "hardware",
        "硬件",
        "Hardware",
        "",
        [
            ("printer", "打印机", "Printer"),
            ("pc", "电脑", "Desktop & laptop"),
            ("monitor", "显示器", "Monitor"),
        ],
    ),
    (
        "network",
        "网络",
        "Network",
        "",
        [
            ("vpn", "VPN", "VPN"),
            ("wifi", "无线网络", "Wi-Fi"),
            ("lan", "有线网络", "Wired network"),
        ],
    ),
    (
        "software",
        "软件",
        "Software",
        "",
        [
            ("erp", "ERP 系统", "ERP (SAP / Yonyou)"),
            ("email", "邮箱", "Email"),
            ("office", "办公软件", "Office apps"),
        ],
    ),
    (
        "access",
        "账号与权限",
        "Accounts & access",
        "",
        [
            ("password", "密码重置", "Password reset"),
            ("permission", "权限申请", "Access request"),
        ],
    ),
    (
        "equipment",
        "设备维修",
        "Equipment repair",
        "repair",
        [
            ("hvac", "空调", "Air conditioning"),
            ("copier", "复印机", "Copier"),
            ("machine", "生产设备", "Production equipment"),
            ("ups", "UPS 电源", "UPS"),
        ],
    ),
    (
        "service",
        "服务投诉",
        "Service complaints",
        "complaint",
        [
            ("slow", "响应慢", "Slow response"),
            ("attitude", "服务态度", "Staff attitude"),
            ("quality", "维修质量", "Repair quality"),
            ("billing", "费用争议", "Billing dispute"),
        ],
    ),
]


class OrgSpec(NamedTuple):
    code: str
    name: str
    domain: str
    phone: str
    address: str
    region: str  # team code of the regional desk
    english: bool


ORGANIZATIONS = [
    OrgSpec(
        "huaxin",
        "上海华信精密制造有限公司",
        "huaxin-mfg.example.cn",
        "021-5770 1234",
        "上海市松江区新桥镇明华路 88 号",
        "east",
        False,
    ),
    OrgSpec(
        "xinlan",
        "深圳新澜科技有限公司",
        "xinlan-tech.example.cn",
        "0755-8621 5678",
        "深圳市南山区科技园南区 12 栋",
        "south",
        False,
    ),
    OrgSpec(
        "jingbei",
        "北京京北物流有限公司",
        "jingbei-logistics.example.cn",
        "010-6945 2233",
        "北京市顺义区空港物流园 3 号库",
        "north",
        False,
    ),
    OrgSpec(
        "yunshan",
        "杭州云杉连锁超市有限公司",
        "yunshan-retail.example.cn",
        "0571-8810 6677",
        "杭州市西湖区文三路 259 号",
        "east",
        False,
    ),
    OrgSpec(
        "northwind",
        "Northwind Trading (Shanghai) Co., Ltd. 北风贸易",
        "northwind.example.com",
        "021-6288 9000",
        "Room 1801, 1000 Lujiazui Ring Rd, Pudong, Shanghai",
        "east",
        True,
    ),
    OrgSpec(
        "contoso",
        "Contoso Medical Devices (Suzhou) 康索医疗",
        "contoso-med.example.com",
        "0512-6255 7000",
        "28 Xinghu St, Suzhou Industrial Park",
        "east",
        True,
    ),
]

CHINESE_PEOPLE = [
    ("陈晓明", "chen.xm"),
    ("刘芳", "liu.fang"),
    ("王建国", "wang.jg"),
    ("赵丽", "zhao.li"),
    ("孙伟", "sun.wei"),
    ("周婷", "zhou.ting"),
    ("吴磊", "wu.lei"),
    ("郑洁", "zheng.jie"),
    ("黄志强", "huang.zq"),
    ("徐静", "xu.jing"),
    ("马超", "ma.chao"),
    ("胡敏", "hu.min"),
    ("高峰", "gao.feng"),
    ("林雪", "lin.xue"),
    ("何勇", "he.yong"),
    ("罗佳", "luo.jia"),
]
ENGLISH_PEOPLE = [
    ("Emily Carter", "emily.carter"),
    ("James Miller", "james.miller"),
    ("Sophie Wang 王素菲", "sophie.wang"),
    ("David Chen 陈大卫", "david.chen"),
    ("Anna Schmidt", "anna.schmidt"),
    ("Lucas Martin", "lucas.martin"),
    ("Olivia Brown", "olivia.brown"),
    ("Kenji Sato", "kenji.sato"),
]


class StaffSpec(NamedTuple):
    username: str
    display_name: str
    role: str
    teams: tuple[str, ...]
    location: str
    skills: tuple[str, ...]


STAFF = [
    StaffSpec("admin", "系统管理员 Admin", "admin", (), "上海 Shanghai", ()),
    StaffSpec("supervisor", "周敏 Zhou Min", "supervisor", ("care",), "上海 Shanghai", ()),
    StaffSpec(
        "wangwei",
        "王伟 Wang Wei",
        "agent",
        ("it-ops", "east"),
        "上海 Shanghai",
        ("printer", "network", "vpn"),
    ),
    StaffSpec("lina", "李娜 Li Na", "agent", ("it-ops", "erp"), "上海 Shanghai", ("erp", "email")),
    StaffSpec(
        "sunli", "孙丽 Sun Li", "agent", ("it-ops", "south"), "深圳 Shenzhen", ("vpn", "network")
    ),
    StaffSpec("zhaolei", "赵磊 Zhao Lei", "agent", ("erp", "north"), "北京 Beijing", ("erp",)),
    StaffSpec(
        "zhangqiang",
        "张强 Zhang Qiang",
        "agent",
        ("field", "south"),
        "深圳 Shenzhen",
        ("hvac", "machine"),
    ),
    StaffSpec(
        "liuyang", "刘洋 Liu Yang", "agent", ("field", "north"), "北京 Beijing", ("copier", "ups")
    ),
    StaffSpec(
        "huangtao",
        "黄涛 Huang Tao",
        "agent",
        ("field", "east"),
        "苏州 Suzhou",
        ("machine", "hvac", "printer"),
    ),
    StaffSpec("chenjing", "陈静 Chen Jing", "agent", ("care", "east"), "上海 Shanghai", ()),
]

SKILLS = [
    ("printer", "打印机维修", "Printer repair"),
    ("network", "网络", "Networking"),
    ("vpn", "VPN", "VPN"),
    ("erp", "ERP / SAP", "ERP / SAP"),
    ("email", "邮件系统", "Email"),
    ("hvac", "暖通空调", "HVAC"),
    ("machine", "生产设备", "Production machinery"),
    ("copier", "复印机", "Copiers"),
    ("ups", "UPS 电源", "UPS power"),
]


class Talk(NamedTuple):
    """One ticket's conversation, in the ticket's language: each demo ticket uses its own."""

    reply: str  # the agent's first public reply
    question: str  # the agent asks for what is missing (the ticket goes pending)
    answer: str  # the customer answers the question
    note: str  # an internal note between colleagues
    resolution: str  # the agent's reply that resolves it


class Template(NamedTuple):
    ticket_type: str
    category: str
    title: str
    description: str
    english: bool
    talk: Talk


TEMPLATES = [
    # --- incidents ---
    Template(
        "incident",
        "printer",
        "{floor} 楼财务部打印机卡纸，无法打印",
        "财务部的 {model} 打印机一直卡纸，打印任务在队列里排着，重启后仍然无法打印。"
        "今天下午要打印报销单据，比较着急。",
        False,
        Talk(
            "您好，已收到。请先打开前盖取出卡住的纸张，我们同时远程清理打印队列。",
            "请问打印机面板上显示的错误代码是什么？方便拍张照片发给我们吗？",
            "面板显示“卡纸 J-{n}”，照片已附上。",
            "内部备注：这台 {model} 本月第三次卡纸，定影组件可能老化，已申请备件。",
            "已更换定影组件并清理进纸辊，测试打印 50 页正常，问题已解决。",
        ),
    ),
    Template(
        "incident",
        "printer",
        "打印机显示脱机，全部门无法打印",
        "{room} 会议室旁边的共享打印机显示“脱机”，所有人都打印不了。已检查网线，指示灯正常。",
        False,
        Talk(
            "您好，我们正在远程检查打印服务器上的打印队列和端口状态。",
            "请确认一下打印机屏幕上显示的 IP 地址是多少？",
            "屏幕上显示的是 10.{n}.8.21。",
            "内部备注：打印机的 DHCP 地址变了，打印服务器的端口仍指向旧地址。",
            "已为打印机保留固定 IP 并更新打印服务器端口，全部门已恢复打印。",
        ),
    ),
    Template(
        "incident",
        "printer",
        "Printer on floor {floor} shows 'offline'",
        "The {model} printer next to room {room} shows offline for everyone on the floor. "
        "Power-cycling it did not help.",
        True,
        Talk(
            "Thanks, we're checking the print server queue and the printer's network port now.",
            "Could you read us the IP address shown on the printer's display?",
            "The display shows 10.{n}.8.21.",
            "Internal: the printer's DHCP lease changed; the print server still points at the old "
            "address.",
            "Reserved a fixed IP for the printer and updated the print server port; the whole "
            "floor can print again.",
        ),
    ),
    Template(
        "incident",
        "vpn",
        "VPN 连接频繁断开（错误 809）",
        "在家办公用 VPN 连接公司内网，每隔十几分钟就断开一次，错误代码 809。换了家里的网络也一样。",
        False,
        Talk(
            "您好，错误 809 通常是家用路由器拦截了 VPN 协议，我们先在服务器端检查您的连接记录。",
            "请问您家里的路由器是什么品牌？方便的话发一下 VPN 客户端的日志截图。",
            "路由器是 TP-Link，日志截图已附上。",
            "内部备注：服务器日志显示 IKE 协商超时，建议改用 SSL VPN。",
            "已为您切换到 SSL VPN 并推送新的配置文件，连续测试两小时未再断开。",
        ),
    ),
    Template(
        "incident",
        "vpn",
        "Cannot connect to VPN from {city}",
        "I'm travelling in {city}; the VPN client hangs at 'authenticating' and then fails "
        "with error 691. Colleagues in the office can connect.",
        True,
        Talk(
            "Thanks, error 691 means the VPN gateway rejected the sign-in; we're checking your "
            "account on the gateway.",
            "Did you change your domain password recently? Please also tell us the VPN client "
            "version.",
            "Yes, I changed it last Friday. The client is version 4.{n}.",
            "Internal: the gateway still caches the old password; the account needs a resync.",
            "We resynchronised your account on the VPN gateway; you confirmed you can connect "
            "from {city}.",
        ),
    ),
    Template(
        "incident",
        "wifi",
        "{room} 会议室 Wi-Fi 信号差，视频会议卡顿",
        "{floor} 楼 {room} 会议室无线信号只有一格，腾讯会议经常卡顿掉线，下午有客户来访。",
        False,
        Talk(
            "您好，网络工程师正在查看 {room} 附近无线 AP 的负载和信号。",
            "请问会议室里大概有多少台设备同时连接？信号差是整个下午都这样吗？",
            "大概二十台左右，从中午开始就一直很差。",
            "内部备注：{room} 的 AP 信道与隔壁公司的无线网络冲突，需要调整信道。",
            "已调整 AP 信道并增加一台无线 AP，会议室实测网速恢复正常。",
        ),
    ),
    Template(
        "incident",
        "lan",
        "{floor} 楼工位网口无法上网",
        "新搬到 {floor} 楼的工位，网线插上后显示“未识别的网络”，换了网线也不行。",
        False,
        Talk(
            "您好，我们正在交换机上检查您工位网口对应的端口状态。",
            "请提供一下网口面板上的编号（例如 {floor}-A-12）。",
            "面板编号是 {floor}-B-{n}。",
            "内部备注：该端口还在旧部门的 VLAN 里，需要改到办公网 VLAN。",
            "已将端口划入办公网 VLAN，电脑可以正常获取地址上网。",
        ),
    ),
    Template(
        "incident",
        "email",
        "Outlook 无法收发邮件",
        "从今天上午开始 Outlook 一直提示“正在尝试连接”，网页版邮箱可以正常使用。",
        False,
        Talk(
            "您好，网页版正常说明邮箱本身没有问题，我们先检查您电脑上的 Outlook 配置。",
            "请问 Outlook 右下角显示什么状态？最近有没有修改过域账号密码？",
            "右下角显示“已断开连接”，上周五改过密码。",
            "内部备注：凭据管理器里保存的是旧密码，导致反复认证失败。",
            "已清除旧凭据并重新登录 Outlook，邮件收发恢复正常。",
        ),
    ),
    Template(
        "incident",
        "email",
        "Emails to external domains bounce",
        "Since this morning every email I send to customers bounces with '550 5.7.1 "
        "relaying denied'. Internal mail works.",
        True,
        Talk(
            "Thanks, we're checking the outbound mail relay for your mailbox now.",
            "Could you forward us one of the bounce messages as an attachment?",
            "Forwarded one of the bounces just now.",
            "Internal: the relay connector lost its authentication after last night's certificate "
            "renewal.",
            "We fixed the relay connector's authentication; external mail is delivered again and "
            "the queued messages went out.",
        ),
    ),
    Template(
        "incident",
        "erp",
        "用友 ERP 登录报错“加密狗未找到”",
        "仓库电脑登录用友 U8 时提示找不到加密狗，月底结账前必须处理。",
        False,
        Talk(
            "您好，我们正在远程检查仓库电脑上的加密狗服务。",
            "请确认一下加密狗是否插在电脑上，指示灯是否亮着？",
            "插着的，但是指示灯不亮。",
            "内部备注：加密狗驱动被 Windows 更新卸载了，需要重装驱动。",
            "已重新安装加密狗驱动并重启许可服务，用友 U8 可以正常登录。",
        ),
    ),
    Template(
        "incident",
        "erp",
        "SAP 过账失败，提示记账期间已关闭",
        "采购收货 MIGO 过账时报错：记账期间 {n} 未开放。请财务或 IT 协助打开期间。",
        False,
        Talk(
            "您好，这是记账期间未开放导致的，我们已联系财务确认期间 {n}。",
            "请问需要过账的凭证日期是哪一天？是否需要补录上月的收货？",
            "凭证日期是上月最后一天，需要补录三笔收货。",
            "内部备注：财务同意临时打开上月期间 2 小时，补录完成后关闭。",
            "已临时打开记账期间，三笔收货已过账成功，期间已重新关闭。",
        ),
    ),
    Template(
        "incident",
        "erp",
        "SAP transaction MIGO hangs on goods receipt",
        "Posting a goods receipt in MIGO hangs for several minutes and then times out. "
        "Warehouse in {city} is blocked.",
        True,
        Talk(
            "Thanks, we're looking at the SAP work processes and lock entries for MIGO now.",
            "Which plant and purchase order were you posting when it hung?",
            "Plant {n}00, purchase order 45000{n}.",
            "Internal: a stuck update task holds a lock on the material documents; basis team "
            "informed.",
            "The basis team cleared the stuck update task; goods receipts in {city} post normally "
            "again.",
        ),
    ),
    Template(
        "incident",
        "pc",
        "笔记本开机蓝屏，提示 INACCESSIBLE_BOOT_DEVICE",
        "昨晚系统自动更新后，笔记本（{model}）开机就蓝屏，无法进入系统，里面有重要文件。",
        False,
        Talk(
            "您好，请先不要反复重启，工程师正在准备启动修复盘。",
            "请问电脑是否开启了 BitLocker？请提供电脑底部的资产编号。",
            "开启了，资产编号是 SH-{n}。",
            "内部备注：这次 Windows 更新与存储驱动冲突，同型号已有两例。",
            "已回滚存储驱动并卸载有问题的更新，电脑正常启动，文件完好。",
        ),
    ),
    Template(
        "incident",
        "pc",
        "Laptop won't boot after Windows update",
        "My {model} laptop restarts in a loop after last night's update. I have a customer "
        "presentation at 3 pm.",
        True,
        Talk(
            "Thanks, we'll get you running before your presentation; an engineer is preparing a "
            "recovery USB stick.",
            "Is BitLocker enabled? Please tell us the asset tag on the bottom of the laptop.",
            "Yes, BitLocker is on. Asset tag SZ-{n}.",
            "Internal: last night's update conflicts with the storage driver on this model; two "
            "similar cases.",
            "Rolled back the storage driver and removed the faulty update; the laptop boots and "
            "your files are intact.",
        ),
    ),
    # --- service requests ---
    Template(
        "request",
        "password",
        "申请重置域账号密码",
        "休假回来后域账号被锁定，无法登录电脑和邮箱，请帮忙解锁并重置密码。",
        False,
        Talk(
            "您好，已收到您的申请，我们需要先核实您的身份。",
            "请提供您的工号和直属经理姓名，以便核实身份。",
            "工号 {n}08，经理是王经理。",
            "内部备注：身份已与 HR 系统核对一致。",
            "账号已解锁，临时密码已通过短信发送，首次登录请修改密码。",
        ),
    ),
    Template(
        "request",
        "password",
        "Password reset for new hire",
        "Our new colleague starts on Monday and has not received the initial password for "
        "her domain account.",
        True,
        Talk(
            "Thanks, we're checking the new hire's account in the directory.",
            "Could you confirm her employee number and start date?",
            "Employee number {n}15, starting Monday.",
            "Internal: the onboarding job failed to send the welcome mail; the account itself "
            "exists.",
            "We sent the initial password to her manager by SMS; she must change it at first "
            "sign-in.",
        ),
    ),
    Template(
        "request",
        "permission",
        "申请开通销售共享盘访问权限",
        "因工作调整调入销售部，需要开通 \\\\fs01\\sales 共享目录的读写权限。部门经理已同意。",
        False,
        Talk(
            "您好，已收到权限申请，我们正在核对审批记录。",
            "请确认需要的是读写权限还是只读权限？是否需要访问子目录“合同”？",
            "需要读写权限，不需要访问“合同”目录。",
            "内部备注：已按最小权限原则加入 SALES-RW 组，不含合同目录。",
            "已开通 \\\\fs01\\sales 的读写权限，请注销后重新登录电脑生效。",
        ),
    ),
    Template(
        "request",
        "permission",
        "Access to the sales dashboard in BI",
        "Please grant read access to the 'Sales East' dashboard; approved by my manager.",
        True,
        Talk(
            "Thanks, we've received the access request and are checking the approval.",
            "Do you need only the 'Sales East' dashboard, or the underlying data set as well?",
            "Only the dashboard, read-only.",
            "Internal: added to the BI-SALES-EAST-READ group; no data set access.",
            "Read access to the 'Sales East' dashboard is granted; please sign out of BI and back "
            "in.",
        ),
    ),
    Template(
        "request",
        "office",
        "新员工电脑安装办公软件",
        "新员工下周一入职，请在电脑上安装 WPS、钉钉、企业微信和 VPN 客户端。",
        False,
        Talk(
            "您好，已收到，我们会在新员工入职前准备好电脑。",
            "请问新员工的姓名和工位号是多少？电脑是新领用的还是旧电脑重装？",
            "姓名李明，工位 {floor}-{n}，用的是新领用的电脑。",
            "内部备注：已从标准镜像部署，VPN 客户端需要单独授权。",
            "WPS、钉钉、企业微信和 VPN 客户端已安装完成，电脑已放到工位。",
        ),
    ),
    Template(
        "request",
        "office",
        "Install Visio on my laptop",
        "I need Microsoft Visio for process diagrams; the licence was approved last week.",
        True,
        Talk(
            "Thanks, we've found the approved licence and will schedule the installation.",
            "When is a good time for us to install it remotely? It takes about 20 minutes.",
            "Any time after 2 pm today works.",
            "Internal: licence key taken from the pool; {n} left.",
            "Visio is installed and activated on your laptop.",
        ),
    ),
    Template(
        "request",
        "monitor",
        "申请增加一台显示器",
        "做报表需要双屏，申请为工位增配一台 24 寸显示器。",
        False,
        Talk(
            "您好，已收到申请，我们正在查询显示器库存。",
            "请问您的电脑有几个视频接口？是 HDMI 还是 DP？",
            "有一个 HDMI 和一个 DP 接口。",
            "内部备注：库存有 24 寸显示器 {n} 台，已预留一台。",
            "显示器已送到工位并完成双屏设置。",
        ),
    ),
    Template(
        "request",
        "erp",
        "ERP 新增物料编码申请",
        "新产品 {n} 系列需要在 SAP 中建立物料主数据，共 12 个编码，清单见附件。",
        False,
        Talk(
            "您好，已收到物料清单，我们正在核对物料组和计量单位。",
            "清单中第 3 行和第 7 行的计量单位不一致，请确认是“件”还是“箱”？",
            "都是“件”，清单已更新。",
            "内部备注：物料组与财务确认后统一为 {n}01。",
            "12 个物料编码已在 SAP 中创建，编码清单已回传给您。",
        ),
    ),
    # --- complaints ---
    Template(
        "complaint",
        "slow",
        "报修三天无人处理",
        "三天前报修的打印机问题到现在没有任何人联系我们，严重影响业务，请尽快处理并给出解释。",
        False,
        Talk(
            "您好，非常抱歉让您久等了，我们正在查找您之前的报修记录。",
            "请问之前的报修是通过电话还是邮件提交的？大概是哪一天？",
            "是周一打电话报的，接电话的是一位女同事。",
            "内部备注：周一的电话报修没有登记成工单，已提醒服务台同事。",
            "打印机问题已由工程师当天处理完毕，我们也改进了电话登记流程，再次向您致歉。",
        ),
    ),
    Template(
        "complaint",
        "slow",
        "Nobody answered my ticket for three days",
        "I reported a VPN issue on Monday and have had no response at all. This is not "
        "acceptable for our support contract.",
        True,
        Talk(
            "We're very sorry for the silence; we're looking up your VPN report now.",
            "Could you tell us how you reported it on Monday, by email or by phone?",
            "By email to the support address.",
            "Internal: Monday's email was held as spam by the mail gateway; the rule is corrected.",
            "Your VPN issue is fixed and we corrected the spam filter that held your email. Our "
            "apologies.",
        ),
    ),
    Template(
        "complaint",
        "attitude",
        "上门工程师服务态度差",
        "今天上门维修的工程师态度冷淡，没有解释故障原因就离开了，希望改进。",
        False,
        Talk(
            "您好，感谢您的反馈，我们非常重视，客户关怀专员会跟进。",
            "请问方便告诉我们是哪一天、哪位工程师上门的吗？",
            "是今天上午，工程师姓刘。",
            "内部备注：已与工程师面谈，维修单上没有填写故障原因。",
            "我们已与工程师沟通，并安排回访说明故障原因；今后维修单须写明原因。感谢您的反馈。",
        ),
    ),
    Template(
        "complaint",
        "quality",
        "空调维修后一周再次故障",
        "上周刚修好的 {city} 仓库空调又不制冷了，希望安排更有经验的工程师。",
        False,
        Talk(
            "您好，非常抱歉给您带来不便，我们会安排高级工程师上门。",
            "请问空调是完全不制冷，还是制冷效果变差？有没有报警代码？",
            "完全不制冷，面板显示 E{n}。",
            "内部备注：上次只补了冷媒，没有处理漏点，这次需带检漏设备。",
            "高级工程师找到并焊补了漏点，{city}仓库空调已恢复制冷，本次不收费。",
        ),
    ),
    Template(
        "complaint",
        "quality",
        "Copier broke again a week after repair",
        "The copier on floor {floor} was repaired last week and shows the same error again.",
        True,
        Talk(
            "We're sorry the copier failed again; we're sending a senior engineer.",
            "Does it show the same error code as last week?",
            "Yes, exactly the same code.",
            "Internal: last week's fix replaced the fuser but not the worn drive gear.",
            "The senior engineer replaced the drive gear; the copier on floor {floor} runs "
            "normally. No charge for this visit.",
        ),
    ),
    Template(
        "complaint",
        "billing",
        "维保合同内配件被收费",
        "维保合同期内更换的配件被单独收费 {n}00 元，请核实并退还。",
        False,
        Talk(
            "您好，我们正在核对您的维保合同和这次的配件费用。",
            "请提供一下发票号码和维保合同编号。",
            "发票号 {n}7731，合同编号 WB-2026-{n}。",
            "内部备注：合同确实包含该配件，开票时系统没有关联合同。",
            "经核实该配件在合同范围内，已开具红字发票，费用将在下月退还。",
        ),
    ),
    Template(
        "complaint",
        "billing",
        "Invoice charges for parts under warranty",
        "Invoice {n} charges us for a fuser unit that is covered by our maintenance "
        "contract. Please correct it.",
        True,
        Talk(
            "Thanks, we're checking the invoice against your maintenance contract.",
            "Could you send us the contract number printed on the first page?",
            "The contract number is MC-2026-{n}.",
            "Internal: the billing system did not link the contract to this site.",
            "The fuser unit is covered; we issued a credit note for the full amount.",
        ),
    ),
    # --- field repair ---
    Template(
        "repair",
        "hvac",
        "{city}仓库空调不制冷，需上门检修",
        "{city}仓库 {n} 号库房的中央空调出风不凉，室温已到 32 度，货品有受潮风险。",
        False,
        Talk(
            "您好，已安排暖通工程师今天下午上门检修。",
            "请确认上门联系人和电话，以及库房门禁如何进入？",
            "联系人是仓库主管，电话 170{n}0001，到了请在 {n} 号门等。",
            "内部备注：该机组压缩机已过保修期，需准备报价。",
            "已更换启动电容并补充冷媒，库房温度降到 24 度，运行正常。",
        ),
    ),
    Template(
        "repair",
        "hvac",
        "Server room air conditioner alarm",
        "The precision air conditioner in the server room shows a high-pressure alarm; "
        "temperature is rising.",
        True,
        Talk(
            "An HVAC engineer is on the way; please keep the server room door closed.",
            "What temperature does the room show now, and is the backup unit running?",
            "27 °C and rising; the backup unit is running.",
            "Internal: high-pressure alarm, probably a blocked condenser; bring the cleaning kit.",
            "Cleaned the blocked condenser and reset the alarm; the room is back at 22 °C.",
        ),
    ),
    Template(
        "repair",
        "copier",
        "复印机卡纸并有异响",
        "{floor} 楼的 {model} 复印机频繁卡纸，运行时有咔咔的异响，需要工程师上门。",
        False,
        Talk(
            "您好，已安排工程师上门检查复印机。",
            "请问异响是在进纸时还是出纸时出现？",
            "进纸的时候咔咔响。",
            "内部备注：{model} 的搓纸轮磨损，需带备件。",
            "已更换搓纸轮并清洁纸路，复印机不再卡纸，异响消失。",
        ),
    ),
    Template(
        "repair",
        "copier",
        "Copier shows error code C-2557",
        "The {model} copier on floor {floor} stops with error C-2557 after a few pages.",
        True,
        Talk(
            "An engineer will visit to check the copier.",
            "Does the error appear with every paper tray or only with one?",
            "Only with tray 2.",
            "Internal: C-2557 on the {model} points at the tray 2 lift motor.",
            "Replaced the tray 2 lift motor; the copier prints without errors.",
        ),
    ),
    Template(
        "repair",
        "machine",
        "注塑机液压系统漏油",
        "{n} 号注塑机液压站漏油，已停机。生产计划紧张，请尽快安排工程师并带密封件。",
        False,
        Talk(
            "您好，已安排液压工程师带密封件上门，预计两小时内到达。",
            "请问漏油点在液压站的哪个位置？能否拍照发给我们？",
            "在油缸下面的接头处，照片已上传。",
            "内部备注：油缸密封圈型号需要确认，已联系厂家。",
            "现场更换液压密封圈，试机两小时无渗漏，{n} 号注塑机恢复生产。",
        ),
    ),
    Template(
        "repair",
        "machine",
        "生产线 {n} 号贴标机停机",
        "贴标机报警“伺服过载”，复位后仍无法启动，整条包装线停产。",
        False,
        Talk(
            "您好，工程师正在远程查看贴标机的报警记录。",
            "请问伺服驱动器上显示的报警代码是多少？",
            "显示 AL.{n}。",
            "内部备注：伺服过载，疑似贴标头机械卡滞，需要上门处理。",
            "清理了贴标头卡滞的异物并重新调整张力，贴标机恢复运行。",
        ),
    ),
    Template(
        "repair",
        "machine",
        "CNC machine spindle overheating",
        "Spindle temperature on CNC line {n} exceeds 70 °C after 20 minutes of work.",
        True,
        Talk(
            "Thanks, a machine engineer will check the spindle; please keep the load low until "
            "then.",
            "Is the spindle coolant pump running, and what is the coolant level?",
            "The pump runs; the coolant level is low.",
            "Internal: coolant leak at the spindle chiller, bring a hose kit.",
            "Replaced the leaking chiller hose and refilled the coolant; the spindle stays below "
            "45 °C under load.",
        ),
    ),
    Template(
        "repair",
        "ups",
        "机房 UPS 电池告警",
        "机房 UPS 面板提示电池故障，蜂鸣器一直响，需要检测并更换电池。",
        False,
        Talk(
            "您好，已安排工程师带电池检测仪上门。",
            "请问 UPS 的型号和电池安装日期？",
            "UPS 是山特 C{n}K，电池是三年前装的。",
            "内部备注：电池内阻超标，需要整组更换。",
            "已整组更换 UPS 电池并做了 30 分钟带载测试，告警已消除。",
        ),
    ),
    Template(
        "repair",
        "ups",
        "UPS beeping, battery replacement needed",
        "Our UPS in the {city} office beeps every minute and reports 'replace battery'.",
        True,
        Talk(
            "Thanks, an engineer will bring replacement batteries.",
            "Which UPS model is it, and how much load is on it now?",
            "It's a {n}00 VA unit at about 40% load.",
            "Internal: the batteries are past their three-year life.",
            "Replaced the battery pack and ran a 30-minute load test; the UPS is back to normal.",
        ),
    ),
]

FLOORS = ["3", "5", "7", "8", "12", "15", "21"]
ROOMS = ["A301", "B502", "C701", "会议室 1", "Room 808", "1205"]
MODELS = [
    "HP LaserJet M404",
    "Canon iR-ADV C5535",
    "Lenovo ThinkPad T14",
    "Dell Latitude 7440",
    "Brother HL-L5100",
    "Ricoh MP C3004",
    "Kyocera TASKalfa 3253ci",
]
CITIES = ["上海", "苏州", "深圳", "北京", "杭州", "Shanghai", "Shenzhen", "Beijing"]

# Said on any ticket: a customer asking for news before anyone answered (in either language).
CUSTOMER_NUDGES = {
    False: ["请问现在处理到哪一步了？比较着急，谢谢。", "补充一下：今天上午又试了一次，还是不行。"],
    True: [
        "Any news on this? It is quite urgent for us.",
        "Tried again this morning, same problem.",
    ],
}
REOPEN_REASONS = {
    False: ["问题又出现了，请再看一下。", "用了一天后又出现同样的问题。"],
    True: ["The issue came back this morning.", "Same problem again after a day."],
}
CANCEL_REASONS = {  # written by staff for the customer who asked
    False: ["客户来电告知问题已自行恢复，撤销报修。", "客户重复提交，已有相同工单在处理。"],
    True: [
        "The customer called: it works again by itself, cancelling.",
        "Duplicate of another ticket from the same customer.",
    ],
}
