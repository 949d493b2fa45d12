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
