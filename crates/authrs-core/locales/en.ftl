# authrs: the built-in pages and mails in English, the reference catalog.
#
# Every other catalog has the same messages with the same variables; a message missing there
# is shown from this file. Variables: $provider (a sign-in method's name), $site (the site's
# host, for example example.com), $email (an address), $minutes (a number), $code (a code).
# Fluent's syntax: https://projectfluent.org/fluent/guide/

## Words used on several pages

field-email = Email
field-password = Password
field-name = Name
field-username = Username
field-code = Code
action-sign-in = Sign in
back-to-site = Back to the site

## The sign-in page

sign-in-title = Sign in
sign-in-with = Sign in with { $provider }
sign-in-none = No sign-in methods are configured.
# The one address field with two ways on: a password, or a mailed link.
sign-in-email-link = Email me a link
sign-in-or = or
sign-up-summary = Create an account
sign-up-button = Create account
reset-summary = Forgot your password?
reset-button = Send a reset link

notice-account-created = Your account is ready. Sign in with your email and password.
notice-reset-sent = If that address has an account, a link to reset the password is on its way.
notice-password-changed = Your password was changed and every session signed out. Sign in with the new password.

error-sign-in-failed = That sign-in did not work. Try again, or use a different account.
error-account-not-linked = This email is already linked to another sign-in method. Use the method you signed up with.
error-email-not-sent = The sign-in email could not be sent.
error-credentials = Sign-in failed. Check your details and try again. A new account signs in once its email is confirmed.
error-session-required = Please sign in to see this page.
error-csrf = Your sign-in form expired. Please try again.
error-invalid-email = That email address is not accepted.
error-password-policy = That password is too short or too long.
error-last-method = That account is your only way to sign in, so it stays linked.
error-unable = Unable to sign in.

## Choosing a new password (the page a reset link opens)

reset-title = Choose a new password
reset-new-password = New password
reset-submit = Set password

## The sign-out page

sign-out-title = Sign out
sign-out-question = Are you sure you want to sign out?
sign-out-button = Sign out

## After a sign-in mail was sent

check-email-title = Check your email
check-email-with-code = We sent you a link to sign in. Open it, or enter the code from the email here.
check-email-link-only = We sent you a link to sign in. Open it on this device to continue.
code-too-many = Too many wrong codes. Wait a few minutes, or open the link in the email.
code-wrong = That code did not work. Check it, or ask for a new email.

## Confirming the address of a new account

verify-title = Confirm your email
verify-wrong = That link or code did not work. Check it, or ask for a new email.
verify-resent = If that address has an account waiting for confirmation, a new email is on its way.
verify-explain = We sent you an email. Open its link, or enter its code here. Until then, your password does not sign in.
verify-submit = Confirm
verify-resend = Send a new email

## The page an emailed link opens

confirm-title = Sign in to { $site }
confirm-continue-as = Continue as { $email }?

## The error page

error-try-again-in = { $minutes ->
    [one] Try again in a minute.
   *[other] Try again in { $minutes } minutes.
}
error-configuration-title = Server error
error-configuration = The server is not configured correctly. The site's owner can find the details in the server logs.
error-access-denied-title = Access denied
error-access-denied = You do not have permission to sign in.
error-verification-title = Unable to sign in
error-verification = This sign-in link is no longer valid. It may have been used already, or it may have expired.
error-rate-limited-title = Too many attempts
error-rate-limited = There have been too many sign-in requests. Please wait before trying again.
error-default-title = Something went wrong
error-default = Sign-in could not be completed.

## Mails

mail-sign-in-subject = Sign in to { $site }
mail-sign-in-heading = Sign in to { $site }
mail-sign-in-action = Sign in
mail-reset-subject = Reset your password for { $site }
mail-reset-heading = Reset your password for { $site }
mail-reset-action = Choose a new password
mail-verify-subject = Confirm your email for { $site }
mail-verify-heading = Confirm your email for { $site }
mail-verify-action = Confirm my email
mail-exists-subject = Your account at { $site }
mail-exists-heading = Someone asked to sign up at { $site } with this address, which has an account already. If it was you, sign in, or choose a new password here
mail-exists-action = Choose a new password
mail-or-code = Or enter this code on the sign-in page:
mail-valid-for = { $minutes ->
    [one] This works once, for the next minute. If you did not ask for this email, you can ignore it.
   *[other] This works once, for the next { $minutes } minutes. If you did not ask for this email, you can ignore it.
}

## The server's home page

home-signed-in-as = Signed in as { $name }
home-not-signed-in = Not signed in
home-demo = Try the demo account: email { $email }, password in { $file }
home-sign-out = Sign out
home-sign-in-as-other = Sign in as someone else
home-endpoints = Endpoints

## The account page

account-title = Your account
account-profile = Profile
account-name = Name
account-image = Picture (URL)
account-email-verified = { $email } (confirmed)
account-email-unverified = { $email } (not confirmed yet)
account-save = Save
account-sessions = Where you are signed in
account-this-device = This device
account-session-started = Signed in { $date }
account-session-active = Last active { $date }
account-session-network = Network { $network }
account-unknown-device = Unknown device
account-device = { $browser } on { $system }
account-revoke = Sign out
account-revoke-others = Sign out everywhere else
account-jwt-sessions = Your session is kept in your browser. Sign out everywhere to end every session, this one too.
account-sign-out-everywhere = Sign out everywhere
account-methods = Ways to sign in
account-password = Password
account-current-password = Current password
account-new-password = New password
account-change-password = Change password
account-set-password = Email me a link to set a password
account-no-password = You have no password yet.
account-linked = Linked accounts
account-unlink = Unlink
account-link = Link { $provider }
account-none-linked = No accounts are linked.
account-danger = Delete your account
account-delete-explain = This removes your account, every session and every linked sign-in. It cannot be undone.
account-delete-password = Enter your password to confirm.
account-delete-code = Enter the code we emailed you to confirm.
account-delete-send-code = Email me a code
account-delete-button = Delete my account
account-delete-unavailable = This account cannot be deleted here: it has no password and the site sends no email. Ask the site's owner.
account-sign-out = Sign out
account-activity = Recent security activity
account-activity-explain = Sign-ins, changes to how you sign in, and ended sessions. If you do not recognise one, change your password and sign out everywhere.
account-activity-none = Nothing yet.
account-activity-with = With { $provider }
event-sign-in = Signed in
event-sign-in-failed = Failed sign-in attempt
event-sign-out = Signed out
event-account-created = Account created
event-email-verified = Email address confirmed
event-password-changed = Password changed
event-password-reset = Password set with an emailed link
event-proof-failed = Wrong password or code when confirming a change
event-account-linked = Account linked
event-account-unlinked = Account unlinked
event-session-revoked = A session was signed out
event-other-sessions-revoked = Every other session was signed out
event-signed-out-everywhere = Signed out everywhere
event-profile-updated = Profile changed
event-deletion-requested = A code to delete the account was emailed
event-account-deleted = Account deleted
event-two-factor-enabled = Two-step sign-in turned on
event-two-factor-disabled = Two-step sign-in turned off
event-recovery-codes-regenerated = New recovery codes made
event-recovery-code-used = A recovery code was used
account-two-factor = Two-step sign-in
account-two-factor-on = On. { $left ->
    [one] { $left } recovery code left.
   *[other] { $left } recovery codes left.
}
account-two-factor-off = Off. Add a code from an authenticator app to every sign-in.
account-two-factor-required = This site asks everyone for a second step.
account-two-factor-set-up = Set up two-step sign-in
account-two-factor-proof = Enter a current code, or your password, to change this.
account-two-factor-disable = Turn off
account-two-factor-new-codes = Make new recovery codes
notice-two-factor-disabled = Two-step sign-in is off.

## Two-step sign-in (a code from an authenticator app after the password, link or provider)

two-factor-title = Two-step sign-in
two-factor-enter-code = Enter the 6-digit code from your authenticator app.
two-factor-required-enrol = This site asks for a second step at every sign-in. Set up an authenticator app to continue.
two-factor-scan = Scan this code with your authenticator app.
two-factor-qr = QR code for your authenticator app
two-factor-or-type = Or type this key into the app:
two-factor-code = Code
two-factor-use-recovery = Use a recovery code instead
two-factor-recovery-code = Recovery code
two-factor-remember = { $days ->
    [one] Remember this device for { $days } day
   *[other] Remember this device for { $days } days
}
two-factor-verify = Continue
two-factor-start-over = Start over
two-factor-wrong = That code did not work. Check it and try again.
two-factor-setup-title = Set up two-step sign-in
two-factor-confirm-code = Enter the code the app shows, to confirm
two-factor-turn-on = Turn on
two-factor-cancel = Cancel
two-factor-codes-title = Your recovery codes
two-factor-codes-explain = Each code signs you in once if you lose your authenticator app. Keep them somewhere safe: they are shown only now.
two-factor-codes-saved = I have saved them
notice-profile-saved = Your profile was saved.
notice-session-revoked = That session was signed out.
notice-others-revoked = Every other session was signed out.
notice-delete-code-sent = We emailed you a code. It works once, for a few minutes.
notice-password-link-sent = We emailed you a link to set a password.
error-invalid-profile = That name or picture is not accepted. A picture must be an https:// address.
error-wrong-proof = That did not match. Check it and try again.
error-unknown-session = That session is not yours, or it has ended already.
error-sessions-not-listed = Sessions are kept in browsers here, so they are not listed. “Sign out everywhere” ends them all.

## The mail that confirms deleting an account

mail-delete-subject = Confirm deleting your account at { $site }
mail-delete-heading = Someone asked to delete your account at { $site }. If it was you, enter the code below on your account page. If not, change your password.
mail-delete-action = Open your account
mail-delete-code = The code for your account page:

## The notice that an account's two-step sign-in changed

mail-two-factor-subject = Two-step sign-in changed on your account at { $site }
mail-two-factor-heading = The two-step sign-in of your account at { $site } just changed: it was turned on or off, or new recovery codes were made. If it was you, there is nothing to do. If not, change your password and sign out everywhere.
mail-two-factor-action = Open your account

## Passkeys: the sign-in page, the account page, and their notices

passkey-sign-in = Sign in with a passkey
passkey-failed = The passkey could not be used. Try again, or sign in another way.
passkey-sign-up-summary = Create an account with a passkey
passkey-sign-up-explain = Your device saves a passkey for this site. We then email you a link and a code: the account is created when you use one of them in this browser.
passkey-sign-up-button = Create a passkey
error-passkey = That passkey could not be used. Try again, or sign in another way.
account-passkeys = Passkeys
account-passkeys-explain = A passkey signs you in with your device’s screen lock or security key, with no password and no second step.
account-passkeys-none = No passkeys yet.
account-passkey-added = Added { $date }
account-passkey-used = Last used { $date }
account-passkey-never-used = Not used yet
account-passkey-synced = Synced across devices
account-passkey-name = Name
account-passkey-rename = Rename
account-passkey-delete = Delete
account-passkey-add = Add a passkey
notice-passkey-added = Your passkey was added.
notice-passkey-renamed = Your passkey was renamed.
notice-passkey-removed = Your passkey was deleted.
event-passkey-added = Passkey added
event-passkey-renamed = Passkey renamed
event-passkey-removed = Passkey deleted

## The notice that a passkey was added to an account

mail-passkey-subject = A passkey was added to your account at { $site }
mail-passkey-heading = A passkey was just added to your account at { $site }. It signs in without your password or second step. If it was you, there is nothing to do. If not, delete it on your account page, change your password and sign out everywhere.
mail-passkey-action = Open your account
account-passkey-sign-in-again = To add a passkey, sign in again first: it proves it is you.
account-passkey-sign-in-again-link = Sign in again
