# authrs: the built-in pages and mails in Japanese.

## 複数のページで使う語句

field-email = メールアドレス
field-password = パスワード
field-name = 名前
field-username = ユーザー名
field-code = コード
action-sign-in = ログイン
back-to-site = サイトに戻る

## ログインページ

sign-in-title = ログイン
sign-in-with = { $provider } でログイン
sign-in-none = ログイン方法が設定されていません。
sign-in-email-link = リンクをメールで送信
sign-in-or = または
sign-up-summary = アカウントを作成
sign-up-button = アカウントを作成
reset-summary = パスワードをお忘れの場合
reset-button = 再設定用のリンクを送信

notice-account-created = アカウントが作成されました。メールアドレスとパスワードでログインしてください。
notice-reset-sent = 入力されたメールアドレスのアカウントが存在する場合は、パスワード再設定用のリンクを送信しました。
notice-password-changed = パスワードが変更され、すべてのセッションからログアウトしました。新しいパスワードでログインしてください。

error-sign-in-failed = ログインできませんでした。もう一度お試しいただくか、別のアカウントをご利用ください。
error-account-not-linked = このメールアドレスは、すでに別のログイン方法にリンクされています。登録時に使用した方法でログインしてください。
error-email-not-sent = ログイン用のメールを送信できませんでした。
error-credentials = ログインできませんでした。入力内容を確認して、もう一度お試しください。新しいアカウントは、メールアドレスの確認が完了するとログインできるようになります。
error-session-required = このページを表示するには、ログインしてください。
error-csrf = ログインフォームの有効期限が切れました。もう一度お試しください。
error-invalid-email = このメールアドレスは使用できません。
error-password-policy = パスワードが短すぎるか、長すぎます。
error-last-method = このアカウントは唯一のログイン方法のため、リンクを解除できません。
error-unable = ログインできません。

## 新しいパスワードの設定（再設定用のリンクから開くページ）

reset-title = 新しいパスワードを設定
reset-new-password = 新しいパスワード
reset-submit = パスワードを設定

## ログアウトページ

sign-out-title = ログアウト
sign-out-question = ログアウトしてもよろしいですか？
sign-out-button = ログアウト

## ログイン用のメールを送信した後

check-email-title = メールを確認してください
check-email-with-code = ログイン用のリンクをお送りしました。リンクを開くか、メールに記載されているコードをここに入力してください。
check-email-link-only = ログイン用のリンクをお送りしました。続行するには、このデバイスでリンクを開いてください。
code-too-many = 誤ったコードの入力が多すぎます。数分後にもう一度お試しいただくか、メール内のリンクを開いてください。
code-wrong = コードが正しくありません。コードを確認するか、新しいメールをリクエストしてください。

## 新しいアカウントのメールアドレスの確認

verify-title = メールアドレスの確認
verify-wrong = リンクまたはコードが無効です。内容を確認するか、新しいメールをリクエストしてください。
verify-resent = 入力されたメールアドレスに確認待ちのアカウントがある場合は、新しいメールを送信しました。
verify-explain = 確認用のメールをお送りしました。メール内のリンクを開くか、記載されているコードをここに入力してください。確認が完了するまで、パスワードではログインできません。
verify-submit = 確認
verify-resend = メールを再送信

## メールのリンクから開くページ

confirm-title = { $site } にログイン
confirm-continue-as = { $email } として続行しますか？

## エラーページ

error-try-again-in = { $minutes } 分後にもう一度お試しください。
error-configuration-title = サーバーエラー
error-configuration = サーバーが正しく設定されていません。サイトの管理者は、サーバーのログで詳細を確認できます。
error-access-denied-title = アクセスが拒否されました
error-access-denied = ログインする権限がありません。
error-verification-title = ログインできません
error-verification = このログインリンクは無効です。すでに使用されたか、有効期限が切れている可能性があります。
error-rate-limited-title = 試行回数が多すぎます
error-rate-limited = ログインのリクエストが多すぎます。しばらく待ってから、もう一度お試しください。
error-default-title = 問題が発生しました
error-default = ログインを完了できませんでした。

## メール

mail-sign-in-subject = { $site } へのログイン
mail-sign-in-heading = { $site } にログイン
mail-sign-in-action = ログイン
mail-reset-subject = { $site } のパスワードの再設定
mail-reset-heading = { $site } のパスワードを再設定
mail-reset-action = 新しいパスワードを設定
mail-verify-subject = { $site } のメールアドレスの確認
mail-verify-heading = { $site } のメールアドレスを確認
mail-verify-action = メールアドレスを確認
mail-exists-subject = { $site } のアカウントについて
mail-exists-heading = このメールアドレスで { $site } への登録がリクエストされましたが、このアドレスのアカウントはすでに存在します。ご本人の場合は、ログインするか、こちらから新しいパスワードを設定してください
mail-exists-action = 新しいパスワードを設定
mail-or-code = または、ログインページで次のコードを入力してください：
mail-valid-for = 使用できるのは 1 回のみで、有効期間は { $minutes } 分間です。このメールに心当たりがない場合は、無視してください。

## サーバーのホームページ

home-signed-in-as = { $name } としてログイン中
home-not-signed-in = ログインしていません
home-demo = デモアカウントをお試しください：メールアドレスは { $email }、パスワードは { $file } に記載されています
home-sign-out = ログアウト
home-sign-in-as-other = 別のアカウントでログイン
home-endpoints = エンドポイント

## アカウントページ

account-title = アカウント
account-profile = プロフィール
account-name = 名前
account-image = 画像（URL）
account-email-verified = { $email }（確認済み）
account-email-unverified = { $email }（未確認）
account-save = 保存
account-sessions = ログイン中のデバイス
account-this-device = このデバイス
account-session-started = ログイン日時：{ $date }
account-session-active = 最終利用日時：{ $date }
account-session-network = ネットワーク：{ $network }
account-unknown-device = 不明なデバイス
account-device = { $system } の { $browser }
account-revoke = ログアウト
account-revoke-others = 他のすべてのセッションからログアウト
account-jwt-sessions = セッションはブラウザーに保存されています。このセッションも含めてすべてのセッションを終了するには、すべてのセッションからログアウトしてください。
account-sign-out-everywhere = すべてのセッションからログアウト
account-methods = ログイン方法
account-password = パスワード
account-current-password = 現在のパスワード
account-new-password = 新しいパスワード
account-change-password = パスワードを変更
account-set-password = パスワード設定用のリンクをメールで送信
account-no-password = パスワードはまだ設定されていません。
account-linked = リンクされたアカウント
account-unlink = リンクを解除
account-link = { $provider } とリンク
account-none-linked = リンクされたアカウントはありません。
account-danger = アカウントの削除
account-delete-explain = アカウント、すべてのセッション、リンクされたすべてのログイン方法が削除されます。この操作は元に戻せません。
account-delete-password = 確認のため、パスワードを入力してください。
account-delete-code = 確認のため、メールでお送りしたコードを入力してください。
account-delete-send-code = コードをメールで送信
account-delete-button = アカウントを削除
account-delete-unavailable = このアカウントはここでは削除できません。パスワードが設定されておらず、このサイトはメールを送信しないためです。サイトの管理者にお問い合わせください。
account-sign-out = ログアウト
account-activity = 最近のセキュリティアクティビティ
account-activity-explain = ログイン、ログイン方法の変更、セッションの終了を表示しています。心当たりのない項目がある場合は、パスワードを変更して、すべてのセッションからログアウトしてください。
account-activity-none = まだありません。
account-activity-with = { $provider } を使用
event-sign-in = ログイン
event-sign-in-failed = ログインに失敗
event-sign-out = ログアウト
event-account-created = アカウントを作成
event-email-verified = メールアドレスを確認
event-password-changed = パスワードを変更
event-password-reset = メールのリンクからパスワードを設定
event-proof-failed = 変更の確認時に誤ったパスワードまたはコードを入力
event-account-linked = アカウントをリンク
event-account-unlinked = アカウントのリンクを解除
event-session-revoked = 1 つのセッションからログアウト
event-other-sessions-revoked = 他のすべてのセッションからログアウト
event-signed-out-everywhere = すべてのセッションからログアウト
event-profile-updated = プロフィールを変更
event-deletion-requested = アカウント削除用のコードをメールで送信
event-account-deleted = アカウントを削除
event-two-factor-enabled = 2 段階認証を有効化
event-two-factor-disabled = 2 段階認証を無効化
event-recovery-codes-regenerated = 新しいリカバリーコードを生成
event-recovery-code-used = リカバリーコードを使用
account-two-factor = 2 段階認証
account-two-factor-on = 有効です。リカバリーコードは残り { $left } 個です。
account-two-factor-off = 無効です。有効にすると、ログインのたびに認証アプリのコードも入力します。
account-two-factor-required = このサイトでは、すべてのユーザーに 2 段階認証が必要です。
account-two-factor-set-up = 2 段階認証を設定
account-two-factor-proof = この設定を変更するには、現在のコードまたはパスワードを入力してください。
account-two-factor-disable = 無効にする
account-two-factor-new-codes = 新しいリカバリーコードを生成
notice-two-factor-disabled = 2 段階認証を無効にしました。

## 2 段階認証（パスワード、リンク、または外部サービスでの認証の後に入力する認証アプリのコード）

two-factor-title = 2 段階認証
two-factor-enter-code = 認証アプリに表示されている 6 桁のコードを入力してください。
two-factor-required-enrol = このサイトでは、ログインのたびに 2 段階認証が必要です。続行するには、認証アプリを設定してください。
two-factor-scan = 認証アプリでこのコードをスキャンしてください。
two-factor-qr = 認証アプリ用の QR コード
two-factor-or-type = または、次のキーをアプリに入力してください：
two-factor-code = コード
two-factor-use-recovery = 代わりにリカバリーコードを使用
two-factor-recovery-code = リカバリーコード
two-factor-remember = このデバイスを { $days } 日間記憶する
two-factor-verify = 続行
two-factor-start-over = 最初からやり直す
two-factor-wrong = コードが正しくありません。確認して、もう一度お試しください。
two-factor-setup-title = 2 段階認証の設定
two-factor-confirm-code = 確認のため、アプリに表示されているコードを入力してください
two-factor-turn-on = 有効にする
two-factor-cancel = キャンセル
two-factor-codes-title = リカバリーコード
two-factor-codes-explain = 認証アプリを紛失した場合は、各コードで 1 回ずつログインできます。安全な場所に保管してください。コードが表示されるのは今回のみです。
two-factor-codes-saved = 保存しました
notice-profile-saved = プロフィールを保存しました。
notice-session-revoked = そのセッションからログアウトしました。
notice-others-revoked = 他のすべてのセッションからログアウトしました。
notice-delete-code-sent = コードをメールでお送りしました。使用できるのは 1 回のみで、有効期間は数分間です。
notice-password-link-sent = パスワード設定用のリンクをメールでお送りしました。
error-invalid-profile = この名前または画像は使用できません。画像には https:// で始まるアドレスを指定してください。
error-wrong-proof = 入力内容が一致しません。確認して、もう一度お試しください。
error-unknown-session = このセッションはご自身のものではないか、すでに終了しています。
error-sessions-not-listed = ここではセッションはブラウザーに保存されるため、一覧には表示されません。「すべてのセッションからログアウト」ですべて終了できます。

## アカウント削除の確認メール

mail-delete-subject = { $site } のアカウント削除の確認
mail-delete-heading = { $site } のアカウントの削除がリクエストされました。ご本人の場合は、アカウントページで下記のコードを入力してください。お心当たりがない場合は、パスワードを変更してください。
mail-delete-action = アカウントページを開く
mail-delete-code = アカウントページ用のコード：

## アカウントの 2 段階認証の変更通知

mail-two-factor-subject = { $site } のアカウントの 2 段階認証が変更されました
mail-two-factor-heading = { $site } のアカウントの 2 段階認証が変更されました。有効または無効にされたか、新しいリカバリーコードが生成されました。ご本人の場合は、何もする必要はありません。お心当たりがない場合は、パスワードを変更し、すべてのセッションからログアウトしてください。
mail-two-factor-action = アカウントページを開く

## パスキー：ログインページ、アカウントページ、それらの通知

passkey-sign-in = パスキーでログイン
passkey-failed = パスキーを使用できませんでした。もう一度お試しいただくか、別の方法でログインしてください。
passkey-sign-up-summary = パスキーでアカウントを作成
passkey-sign-up-explain = お使いのデバイスに、このサイト用のパスキーが保存されます。その後、リンクとコードをメールでお送りします。このブラウザーでどちらかを使用すると、アカウントが作成されます。
passkey-sign-up-button = パスキーを作成
error-passkey = そのパスキーは使用できませんでした。もう一度お試しいただくか、別の方法でログインしてください。
account-passkeys = パスキー
account-passkeys-explain = パスキーを使うと、デバイスの画面ロックまたはセキュリティキーでログインできます。パスワードも 2 段階認証も必要ありません。
account-passkeys-none = パスキーはまだありません。
account-passkey-added = 追加日時：{ $date }
account-passkey-used = 最終使用日時：{ $date }
account-passkey-never-used = 未使用
account-passkey-synced = デバイス間で同期
account-passkey-name = 名前
account-passkey-rename = 名前を変更
account-passkey-delete = 削除
account-passkey-add = パスキーを追加
notice-passkey-added = パスキーを追加しました。
notice-passkey-renamed = パスキーの名前を変更しました。
notice-passkey-removed = パスキーを削除しました。
event-passkey-added = パスキーを追加
event-passkey-renamed = パスキーの名前を変更
event-passkey-removed = パスキーを削除

## アカウントへのパスキー追加の通知

mail-passkey-subject = { $site } のアカウントにパスキーが追加されました
mail-passkey-heading = { $site } のアカウントにパスキーが追加されました。このパスキーを使うと、パスワードも 2 段階認証もなしでログインできます。ご本人の場合は、何もする必要はありません。お心当たりがない場合は、アカウントページでこのパスキーを削除し、パスワードを変更して、すべてのセッションからログアウトしてください。
mail-passkey-action = アカウントページを開く
account-passkey-sign-in-again = パスキーを追加するには、ご本人確認のため、まずもう一度ログインしてください。
account-passkey-sign-in-again-link = もう一度ログイン
