# authrs: the built-in pages and mails in Simplified Chinese.

## 多个页面共用的词语

field-email = 电子邮件地址
field-password = 密码
field-name = 姓名
field-username = 用户名
field-code = 验证码
action-sign-in = 登录
back-to-site = 返回网站

## 登录页面

sign-in-title = 登录
sign-in-with = 使用 { $provider } 登录
sign-in-none = 未配置任何登录方式。
sign-in-email-link = 通过电子邮件发送登录链接
sign-in-or = 或
sign-up-summary = 创建账号
sign-up-button = 创建账号
reset-summary = 忘记了密码？
reset-button = 发送重置链接

notice-account-created = 账号已创建。请使用电子邮件地址和密码登录。
notice-reset-sent = 如果该地址已注册账号，密码重置链接已发送至该地址。
notice-password-changed = 密码已更改，所有会话均已退出登录。请使用新密码登录。

error-sign-in-failed = 登录未成功。请重试，或使用其他账号。
error-account-not-linked = 此电子邮件地址已关联其他登录方式。请使用注册时所用的方式登录。
error-email-not-sent = 无法发送登录邮件。
error-credentials = 登录失败。请检查填写的信息，然后重试。新账号需在确认电子邮件地址后才能登录。
error-session-required = 请登录后查看此页面。
error-csrf = 登录表单已过期，请重试。
error-invalid-email = 此电子邮件地址不可用。
error-password-policy = 密码过短或过长。
error-last-method = 此账号是您唯一的登录方式，因此无法取消关联。
error-unable = 无法登录。

## 设置新密码（重置链接打开的页面）

reset-title = 设置新密码
reset-new-password = 新密码
reset-submit = 设置密码

## 退出登录页面

sign-out-title = 退出登录
sign-out-question = 确定要退出登录吗？
sign-out-button = 退出登录

## 登录邮件发送之后

check-email-title = 请查收电子邮件
check-email-with-code = 我们已向您发送登录链接。请打开该链接，或在此处输入邮件中的验证码。
check-email-link-only = 我们已向您发送登录链接。请在此设备上打开该链接以继续。
code-too-many = 验证码错误次数过多。请等待几分钟后再试，或打开邮件中的链接。
code-wrong = 验证码无效。请核对验证码，或重新发送邮件。

## 确认新账号的电子邮件地址

verify-title = 确认您的电子邮件地址
verify-wrong = 该链接或验证码无效。请核对，或重新发送邮件。
verify-resent = 如果该地址有待确认的账号，新邮件已发送至该地址。
verify-explain = 我们已向您发送一封电子邮件。请打开邮件中的链接，或在此处输入邮件中的验证码。完成确认之前，无法使用密码登录。
verify-submit = 确认
verify-resend = 重新发送邮件

## 电子邮件中的链接打开的页面

confirm-title = 登录 { $site }
confirm-continue-as = 以 { $email } 的身份继续？

## 错误页面

error-try-again-in = 请在 { $minutes } 分钟后重试。
error-configuration-title = 服务器错误
error-configuration = 服务器配置有误。网站所有者可在服务器日志中查看详细信息。
error-access-denied-title = 访问被拒绝
error-access-denied = 您无权登录。
error-verification-title = 无法登录
error-verification = 此登录链接已失效，可能已被使用或已过期。
error-rate-limited-title = 尝试次数过多
error-rate-limited = 登录请求过多。请稍后再试。
error-default-title = 出了点问题
error-default = 无法完成登录。

## 邮件

mail-sign-in-subject = 登录 { $site }
mail-sign-in-heading = 登录 { $site }
mail-sign-in-action = 登录
mail-reset-subject = 重置您在 { $site } 的密码
mail-reset-heading = 重置您在 { $site } 的密码
mail-reset-action = 设置新密码
mail-verify-subject = 确认您在 { $site } 的电子邮件地址
mail-verify-heading = 确认您在 { $site } 的电子邮件地址
mail-verify-action = 确认电子邮件地址
mail-exists-subject = 您在 { $site } 的账号
mail-exists-heading = 有人使用此电子邮件地址申请注册 { $site }，但该地址已有账号。如果是您本人，请登录，或在此处设置新密码
mail-exists-action = 设置新密码
mail-or-code = 或在登录页面输入以下验证码：
mail-valid-for = 仅可使用一次，{ $minutes } 分钟内有效。如果您并未请求此邮件，可以忽略。

## 服务器主页

home-signed-in-as = 已以 { $name } 的身份登录
home-not-signed-in = 未登录
home-demo = 试用演示账号：电子邮件地址为 { $email }，密码见 { $file }
home-sign-out = 退出登录
home-sign-in-as-other = 使用其他账号登录
home-endpoints = 端点

## 账号页面

account-title = 您的账号
account-profile = 个人资料
account-name = 姓名
account-image = 头像（URL）
account-email-verified = { $email }（已确认）
account-email-unverified = { $email }（尚未确认）
account-save = 保存
account-sessions = 已登录的设备
account-this-device = 此设备
account-session-started = 登录时间：{ $date }
account-session-active = 最近活动时间：{ $date }
account-session-network = 网络：{ $network }
account-unknown-device = 未知设备
account-device = { $system } 上的 { $browser }
account-revoke = 退出登录
account-revoke-others = 退出其他所有会话
account-jwt-sessions = 您的会话保存在浏览器中。如需结束所有会话（包括当前会话），请退出所有会话。
account-sign-out-everywhere = 退出所有会话
account-methods = 登录方式
account-password = 密码
account-current-password = 当前密码
account-new-password = 新密码
account-change-password = 更改密码
account-set-password = 通过电子邮件发送设置密码的链接
account-no-password = 您尚未设置密码。
account-linked = 已关联的账号
account-unlink = 取消关联
account-link = 关联 { $provider }
account-none-linked = 未关联任何账号。
account-danger = 删除您的账号
account-delete-explain = 此操作将删除您的账号、所有会话以及所有已关联的登录方式，且无法撤销。
account-delete-password = 请输入密码以确认。
account-delete-code = 请输入我们通过电子邮件发送给您的验证码以确认。
account-delete-send-code = 通过电子邮件发送验证码
account-delete-button = 删除账号
account-delete-unavailable = 无法在此处删除此账号：该账号没有密码，且本网站不发送电子邮件。请联系网站所有者。
account-sign-out = 退出登录
account-activity = 近期安全活动
account-activity-explain = 包括登录、登录方式的更改以及已结束的会话。如有任何记录并非您本人操作，请更改密码并退出所有会话。
account-activity-none = 暂无记录。
account-activity-with = 通过 { $provider }
event-sign-in = 登录
event-sign-in-failed = 登录失败
event-sign-out = 退出登录
event-account-created = 账号已创建
event-email-verified = 电子邮件地址已确认
event-password-changed = 密码已更改
event-password-reset = 已通过邮件中的链接设置密码
event-proof-failed = 确认更改时密码或验证码错误
event-account-linked = 账号已关联
event-account-unlinked = 账号已取消关联
event-session-revoked = 某个会话已退出登录
event-other-sessions-revoked = 其他所有会话均已退出登录
event-signed-out-everywhere = 已退出所有会话
event-profile-updated = 个人资料已更改
event-deletion-requested = 已通过电子邮件发送删除账号的验证码
event-account-deleted = 账号已删除
event-two-factor-enabled = 两步验证已开启
event-two-factor-disabled = 两步验证已关闭
event-recovery-codes-regenerated = 已生成新的恢复码
event-recovery-code-used = 已使用一个恢复码
account-two-factor = 两步验证
account-two-factor-on = 已开启。剩余 { $left } 个恢复码。
account-two-factor-off = 未开启。开启后，每次登录时还需输入身份验证器应用中的验证码。
account-two-factor-required = 本网站要求所有用户进行两步验证。
account-two-factor-set-up = 设置两步验证
account-two-factor-proof = 如需更改此设置，请输入当前验证码或密码。
account-two-factor-disable = 关闭
account-two-factor-new-codes = 生成新的恢复码
notice-two-factor-disabled = 两步验证已关闭。

## 两步验证（在密码、链接或第三方登录之后输入身份验证器应用中的验证码）

two-factor-title = 两步验证
two-factor-enter-code = 请输入身份验证器应用中的 6 位验证码。
two-factor-required-enrol = 本网站要求每次登录时进行两步验证。请设置身份验证器应用以继续。
two-factor-scan = 请使用身份验证器应用扫描此二维码。
two-factor-qr = 用于身份验证器应用的二维码
two-factor-or-type = 或在应用中输入以下密钥：
two-factor-code = 验证码
two-factor-use-recovery = 改用恢复码
two-factor-recovery-code = 恢复码
two-factor-remember = { $days } 天内记住此设备
two-factor-verify = 继续
two-factor-start-over = 重新开始
two-factor-wrong = 验证码无效。请检查后重试。
two-factor-setup-title = 设置两步验证
two-factor-confirm-code = 请输入应用中显示的验证码以确认
two-factor-turn-on = 开启
two-factor-cancel = 取消
two-factor-codes-title = 您的恢复码
two-factor-codes-explain = 如果您丢失了身份验证器应用，每个恢复码可用于登录一次。请妥善保存这些恢复码，它们仅在此时显示。
two-factor-codes-saved = 我已保存
notice-profile-saved = 个人资料已保存。
notice-session-revoked = 该会话已退出登录。
notice-others-revoked = 其他所有会话均已退出登录。
notice-delete-code-sent = 我们已通过电子邮件向您发送验证码。该验证码仅可使用一次，几分钟内有效。
notice-password-link-sent = 我们已通过电子邮件向您发送设置密码的链接。
error-invalid-profile = 此姓名或头像不可用。头像必须是 https:// 地址。
error-wrong-proof = 输入的内容不正确。请检查后重试。
error-unknown-session = 该会话不属于您，或已结束。
error-sessions-not-listed = 此处的会话保存在浏览器中，因此不会列出。“退出所有会话”会结束全部会话。

## 确认删除账号的邮件

mail-delete-subject = 确认删除您在 { $site } 的账号
mail-delete-heading = 有人申请删除您在 { $site } 的账号。如果是您本人，请在账号页面输入下方的验证码。如果不是，请更改密码。
mail-delete-action = 打开账号页面
mail-delete-code = 账号页面所需的验证码：

## 账号两步验证已更改的通知

mail-two-factor-subject = 您在 { $site } 的账号的两步验证已更改
mail-two-factor-heading = 您在 { $site } 的账号的两步验证刚刚发生了更改：两步验证已开启或关闭，或已生成新的恢复码。如果是您本人，则无需任何操作。如果不是，请更改密码并退出所有会话。
mail-two-factor-action = 打开账号页面

## 通行密钥：登录页面、账号页面及相关通知

passkey-sign-in = 使用通行密钥登录
passkey-failed = 无法使用通行密钥。请重试，或使用其他方式登录。
passkey-sign-up-summary = 使用通行密钥创建账号
passkey-sign-up-explain = 您的设备会为本网站保存一个通行密钥。随后我们会通过电子邮件向您发送一个链接和一个验证码：在此浏览器中使用其中任意一个，即可创建账号。
passkey-sign-up-button = 创建通行密钥
error-passkey = 无法使用该通行密钥。请重试，或使用其他方式登录。
account-passkeys = 通行密钥
account-passkeys-explain = 通行密钥让您可以通过设备的屏幕锁或安全密钥登录，无需密码，也无需两步验证。
account-passkeys-none = 暂无通行密钥。
account-passkey-added = 添加时间：{ $date }
account-passkey-used = 上次使用时间：{ $date }
account-passkey-never-used = 尚未使用
account-passkey-synced = 已在多台设备间同步
account-passkey-name = 名称
account-passkey-rename = 重命名
account-passkey-delete = 删除
account-passkey-add = 添加通行密钥
notice-passkey-added = 通行密钥已添加。
notice-passkey-renamed = 通行密钥已重命名。
notice-passkey-removed = 通行密钥已删除。
event-passkey-added = 通行密钥已添加
event-passkey-renamed = 通行密钥已重命名
event-passkey-removed = 通行密钥已删除

## 账号已添加通行密钥的通知

mail-passkey-subject = 您在 { $site } 的账号已添加通行密钥
mail-passkey-heading = 您在 { $site } 的账号刚刚添加了一个通行密钥。使用它登录无需密码，也无需两步验证。如果是您本人，则无需任何操作。如果不是，请在账号页面删除该通行密钥，更改密码并退出所有会话。
mail-passkey-action = 打开账号页面
account-passkey-sign-in-again = 添加通行密钥前，请先重新登录，以确认是您本人。
account-passkey-sign-in-again-link = 重新登录
