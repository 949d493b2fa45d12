# authrs: the built-in pages and mails in German.

## Begriffe, die auf mehreren Seiten vorkommen

field-email = E-Mail-Adresse
field-password = Passwort
field-name = Name
field-username = Benutzername
field-code = Code
action-sign-in = Anmelden
back-to-site = Zurück zur Website

## Die Anmeldeseite

sign-in-title = Anmelden
sign-in-with = Mit { $provider } anmelden
sign-in-none = Es sind keine Anmeldemethoden eingerichtet.
sign-in-email-link = Anmeldelink per E-Mail senden
sign-in-or = oder
sign-up-summary = Neues Konto erstellen
sign-up-button = Konto erstellen
reset-summary = Passwort vergessen?
reset-button = Link zum Zurücksetzen senden

notice-account-created = Ihr Konto ist eingerichtet. Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.
notice-reset-sent = Falls zu dieser Adresse ein Konto existiert, ist ein Link zum Zurücksetzen des Passworts unterwegs.
notice-password-changed = Ihr Passwort wurde geändert und alle Sitzungen wurden beendet. Melden Sie sich mit dem neuen Passwort an.

error-sign-in-failed = Die Anmeldung hat nicht funktioniert. Versuchen Sie es noch einmal oder verwenden Sie ein anderes Konto.
error-account-not-linked = Diese E-Mail-Adresse ist bereits mit einer anderen Anmeldemethode verknüpft. Melden Sie sich mit der Methode an, mit der Sie sich registriert haben.
error-email-not-sent = Die Anmelde-E-Mail konnte nicht gesendet werden.
error-credentials = Anmeldung fehlgeschlagen. Prüfen Sie Ihre Angaben und versuchen Sie es noch einmal. Mit einem neuen Konto ist die Anmeldung erst möglich, wenn die E-Mail-Adresse bestätigt ist.
error-session-required = Bitte melden Sie sich an, um diese Seite aufzurufen.
error-csrf = Ihr Anmeldeformular ist abgelaufen. Bitte versuchen Sie es noch einmal.
error-invalid-email = Diese E-Mail-Adresse wird nicht akzeptiert.
error-password-policy = Dieses Passwort ist zu kurz oder zu lang.
error-last-method = Über dieses Konto können Sie sich als Einziges anmelden, deshalb bleibt die Verknüpfung bestehen.
error-unable = Anmeldung nicht möglich.

## Ein neues Passwort festlegen (die Seite, die ein Link zum Zurücksetzen öffnet)

reset-title = Neues Passwort festlegen
reset-new-password = Neues Passwort
reset-submit = Passwort festlegen

## Die Abmeldeseite

sign-out-title = Abmelden
sign-out-question = Möchten Sie sich wirklich abmelden?
sign-out-button = Abmelden

## Nachdem eine Anmelde-E-Mail gesendet wurde

check-email-title = Prüfen Sie Ihre E-Mails
check-email-with-code = Wir haben Ihnen einen Anmeldelink gesendet. Öffnen Sie ihn oder geben Sie hier den Code aus der E-Mail ein.
check-email-link-only = Wir haben Ihnen einen Anmeldelink gesendet. Öffnen Sie ihn auf diesem Gerät, um fortzufahren.
code-too-many = Zu viele falsche Codes. Warten Sie einige Minuten oder öffnen Sie den Link in der E-Mail.
code-wrong = Dieser Code hat nicht funktioniert. Prüfen Sie ihn oder fordern Sie eine neue E-Mail an.

## Die Adresse eines neuen Kontos bestätigen

verify-title = E-Mail-Adresse bestätigen
verify-wrong = Dieser Link oder Code hat nicht funktioniert. Prüfen Sie ihn oder fordern Sie eine neue E-Mail an.
verify-resent = Falls zu dieser Adresse ein Konto auf die Bestätigung wartet, ist eine neue E-Mail unterwegs.
verify-explain = Wir haben Ihnen eine E-Mail gesendet. Öffnen Sie den Link darin oder geben Sie hier den Code daraus ein. Bis dahin können Sie sich nicht mit Ihrem Passwort anmelden.
verify-submit = Bestätigen
verify-resend = Neue E-Mail senden

## Die Seite, die ein Link aus einer E-Mail öffnet

confirm-title = Bei { $site } anmelden
confirm-continue-as = Als { $email } fortfahren?

## Die Fehlerseite

error-try-again-in = { $minutes ->
    [one] Versuchen Sie es in einer Minute noch einmal.
   *[other] Versuchen Sie es in { $minutes } Minuten noch einmal.
}
error-configuration-title = Serverfehler
error-configuration = Der Server ist nicht richtig konfiguriert. Der Betreiber der Website findet die Details in den Serverprotokollen.
error-access-denied-title = Zugriff verweigert
error-access-denied = Sie sind nicht berechtigt, sich anzumelden.
error-verification-title = Anmeldung nicht möglich
error-verification = Dieser Anmeldelink ist nicht mehr gültig. Möglicherweise wurde er bereits verwendet oder ist abgelaufen.
error-rate-limited-title = Zu viele Versuche
error-rate-limited = Es gab zu viele Anmeldeanfragen. Bitte warten Sie etwas, bevor Sie es noch einmal versuchen.
error-default-title = Ein Fehler ist aufgetreten
error-default = Die Anmeldung konnte nicht abgeschlossen werden.

## E-Mails

mail-sign-in-subject = Bei { $site } anmelden
mail-sign-in-heading = Bei { $site } anmelden
mail-sign-in-action = Anmelden
mail-reset-subject = Passwort für { $site } zurücksetzen
mail-reset-heading = Passwort für { $site } zurücksetzen
mail-reset-action = Neues Passwort festlegen
mail-verify-subject = E-Mail-Adresse für { $site } bestätigen
mail-verify-heading = E-Mail-Adresse für { $site } bestätigen
mail-verify-action = E-Mail-Adresse bestätigen
mail-exists-subject = Ihr Konto bei { $site }
mail-exists-heading = Jemand wollte sich mit dieser Adresse bei { $site } registrieren, für sie besteht aber bereits ein Konto. Wenn Sie das waren, melden Sie sich an oder legen Sie hier ein neues Passwort fest
mail-exists-action = Neues Passwort festlegen
mail-or-code = Oder geben Sie diesen Code auf der Anmeldeseite ein:
mail-valid-for = { $minutes ->
    [one] Nur einmal verwendbar und nur in der nächsten Minute gültig. Wenn Sie diese E-Mail nicht angefordert haben, können Sie sie ignorieren.
   *[other] Nur einmal verwendbar und nur in den nächsten { $minutes } Minuten gültig. Wenn Sie diese E-Mail nicht angefordert haben, können Sie sie ignorieren.
}

## Die Startseite des Servers

home-signed-in-as = Angemeldet als { $name }
home-not-signed-in = Nicht angemeldet
home-demo = Probieren Sie das Demokonto aus: E-Mail-Adresse { $email }, Passwort in { $file }
home-sign-out = Abmelden
home-sign-in-as-other = Mit einem anderen Konto anmelden
home-endpoints = Endpunkte

## Die Kontoseite

account-title = Ihr Konto
account-profile = Profil
account-name = Name
account-image = Bild (URL)
account-email-verified = { $email } (bestätigt)
account-email-unverified = { $email } (noch nicht bestätigt)
account-save = Speichern
account-sessions = Wo Sie angemeldet sind
account-this-device = Dieses Gerät
account-session-started = Angemeldet am { $date }
account-session-active = Zuletzt aktiv am { $date }
account-session-network = Netzwerk { $network }
account-unknown-device = Unbekanntes Gerät
account-device = { $browser } unter { $system }
account-revoke = Abmelden
account-revoke-others = Alle anderen Sitzungen beenden
account-jwt-sessions = Ihre Sitzung wird in Ihrem Browser gespeichert. Melden Sie sich überall ab, um alle Sitzungen zu beenden, auch diese.
account-sign-out-everywhere = Überall abmelden
account-methods = Anmeldemethoden
account-password = Passwort
account-current-password = Aktuelles Passwort
account-new-password = Neues Passwort
account-change-password = Passwort ändern
account-set-password = Link zum Festlegen eines Passworts per E-Mail senden
account-no-password = Sie haben noch kein Passwort festgelegt.
account-linked = Verknüpfte Konten
account-unlink = Verknüpfung aufheben
account-link = Mit { $provider } verknüpfen
account-none-linked = Es sind keine Konten verknüpft.
account-danger = Konto löschen
account-delete-explain = Dadurch werden Ihr Konto, alle Sitzungen und alle verknüpften Anmeldemethoden gelöscht. Das lässt sich nicht rückgängig machen.
account-delete-password = Geben Sie zur Bestätigung Ihr Passwort ein.
account-delete-code = Geben Sie zur Bestätigung den Code ein, den wir Ihnen per E-Mail gesendet haben.
account-delete-send-code = Code per E-Mail senden
account-delete-button = Konto endgültig löschen
account-delete-unavailable = Dieses Konto kann hier nicht gelöscht werden: Es hat kein Passwort, und die Website versendet keine E-Mails. Wenden Sie sich an den Betreiber der Website.
account-sign-out = Abmelden
account-activity = Letzte Sicherheitsaktivitäten
account-activity-explain = Anmeldungen, Änderungen an Ihren Anmeldemethoden und beendete Sitzungen. Wenn Ihnen ein Eintrag unbekannt vorkommt, ändern Sie Ihr Passwort und melden Sie sich überall ab.
account-activity-none = Noch keine Einträge.
account-activity-with = Mit { $provider }
event-sign-in = Angemeldet
event-sign-in-failed = Fehlgeschlagener Anmeldeversuch
event-sign-out = Abgemeldet
event-account-created = Konto erstellt
event-email-verified = E-Mail-Adresse bestätigt
event-password-changed = Passwort geändert
event-password-reset = Passwort über einen Link per E-Mail festgelegt
event-proof-failed = Falsches Passwort oder falscher Code beim Bestätigen einer Änderung
event-account-linked = Konto verknüpft
event-account-unlinked = Kontoverknüpfung aufgehoben
event-session-revoked = Eine Sitzung wurde beendet
event-other-sessions-revoked = Alle anderen Sitzungen wurden beendet
event-signed-out-everywhere = Überall abgemeldet
event-profile-updated = Profil geändert
event-deletion-requested = Code zum Löschen des Kontos per E-Mail gesendet
event-account-deleted = Konto gelöscht
event-two-factor-enabled = Bestätigung in zwei Schritten aktiviert
event-two-factor-disabled = Bestätigung in zwei Schritten deaktiviert
event-recovery-codes-regenerated = Neue Wiederherstellungscodes erstellt
event-recovery-code-used = Ein Wiederherstellungscode wurde verwendet
account-two-factor = Bestätigung in zwei Schritten
account-two-factor-on = Aktiviert. { $left ->
    [one] Noch { $left } Wiederherstellungscode übrig.
   *[other] Noch { $left } Wiederherstellungscodes übrig.
}
account-two-factor-off = Deaktiviert. Schützen Sie jede Anmeldung zusätzlich mit einem Code aus einer Authenticator-App.
account-two-factor-required = Diese Website verlangt bei der Anmeldung von allen einen zweiten Schritt.
account-two-factor-set-up = Bestätigung in zwei Schritten einrichten
account-two-factor-proof = Geben Sie einen aktuellen Code oder Ihr Passwort ein, um dies zu ändern.
account-two-factor-disable = Deaktivieren
account-two-factor-new-codes = Neue Wiederherstellungscodes erstellen
notice-two-factor-disabled = Die Bestätigung in zwei Schritten ist deaktiviert.

## Bestätigung in zwei Schritten (ein Code aus einer Authenticator-App nach dem Passwort, dem Link oder dem Anbieter)

two-factor-title = Bestätigung in zwei Schritten
two-factor-enter-code = Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.
two-factor-required-enrol = Diese Website verlangt bei jeder Anmeldung einen zweiten Schritt. Richten Sie eine Authenticator-App ein, um fortzufahren.
two-factor-scan = Scannen Sie diesen Code mit Ihrer Authenticator-App.
two-factor-qr = QR-Code für Ihre Authenticator-App
two-factor-or-type = Oder geben Sie diesen Schlüssel in der App ein:
two-factor-code = Code
two-factor-use-recovery = Stattdessen einen Wiederherstellungscode verwenden
two-factor-recovery-code = Wiederherstellungscode
two-factor-remember = { $days ->
    [one] Dieses Gerät { $days } Tag lang merken
   *[other] Dieses Gerät { $days } Tage lang merken
}
two-factor-verify = Weiter
two-factor-start-over = Von vorn beginnen
two-factor-wrong = Dieser Code hat nicht funktioniert. Prüfen Sie ihn und versuchen Sie es noch einmal.
two-factor-setup-title = Bestätigung in zwei Schritten einrichten
two-factor-confirm-code = Geben Sie zur Bestätigung den Code ein, den die App anzeigt
two-factor-turn-on = Aktivieren
two-factor-cancel = Abbrechen
two-factor-codes-title = Ihre Wiederherstellungscodes
two-factor-codes-explain = Mit jedem Code können Sie sich einmal anmelden, falls Sie Ihre Authenticator-App verlieren. Bewahren Sie die Codes an einem sicheren Ort auf, denn sie werden nur jetzt angezeigt.
two-factor-codes-saved = Ich habe sie gespeichert
notice-profile-saved = Ihr Profil wurde gespeichert.
notice-session-revoked = Diese Sitzung wurde beendet.
notice-others-revoked = Alle anderen Sitzungen wurden beendet.
notice-delete-code-sent = Wir haben Ihnen einen Code per E-Mail gesendet. Er ist nur einmal verwendbar und nur einige Minuten gültig.
notice-password-link-sent = Wir haben Ihnen einen Link zum Festlegen eines Passworts per E-Mail gesendet.
error-invalid-profile = Dieser Name oder dieses Bild wird nicht akzeptiert. Ein Bild muss eine https://-Adresse sein.
error-wrong-proof = Die Eingabe ist nicht korrekt. Prüfen Sie sie und versuchen Sie es noch einmal.
error-unknown-session = Diese Sitzung gehört nicht zu Ihrem Konto oder wurde bereits beendet.
error-sessions-not-listed = Sitzungen werden hier im Browser gespeichert und daher nicht aufgelistet. „Überall abmelden“ beendet alle.

## Die E-Mail, die das Löschen eines Kontos bestätigt

mail-delete-subject = Löschen Ihres Kontos bei { $site } bestätigen
mail-delete-heading = Jemand hat angefordert, Ihr Konto bei { $site } zu löschen. Wenn Sie das waren, geben Sie den Code unten auf Ihrer Kontoseite ein. Falls nicht, ändern Sie Ihr Passwort.
mail-delete-action = Kontoseite öffnen
mail-delete-code = Der Code für Ihre Kontoseite:

## Die Benachrichtigung, dass sich die Bestätigung in zwei Schritten eines Kontos geändert hat

mail-two-factor-subject = Bestätigung in zwei Schritten für Ihr Konto bei { $site } geändert
mail-two-factor-heading = Die Bestätigung in zwei Schritten für Ihr Konto bei { $site } wurde gerade geändert: Sie wurde aktiviert oder deaktiviert, oder es wurden neue Wiederherstellungscodes erstellt. Wenn Sie das waren, müssen Sie nichts tun. Falls nicht, ändern Sie Ihr Passwort und melden Sie sich überall ab.
mail-two-factor-action = Kontoseite öffnen

## Passkeys: die Anmeldeseite, die Kontoseite und ihre Hinweise

passkey-sign-in = Mit einem Passkey anmelden
passkey-failed = Der Passkey konnte nicht verwendet werden. Versuchen Sie es noch einmal oder melden Sie sich auf andere Weise an.
passkey-sign-up-summary = Konto mit einem Passkey erstellen
passkey-sign-up-explain = Ihr Gerät speichert einen Passkey für diese Website. Danach senden wir Ihnen einen Link und einen Code per E-Mail: Das Konto wird erstellt, sobald Sie den Link oder den Code in diesem Browser verwenden.
passkey-sign-up-button = Passkey erstellen
error-passkey = Dieser Passkey konnte nicht verwendet werden. Versuchen Sie es noch einmal oder melden Sie sich auf andere Weise an.
account-passkeys = Passkeys
account-passkeys-explain = Mit einem Passkey melden Sie sich über die Bildschirmsperre Ihres Geräts oder einen Sicherheitsschlüssel an, ohne Passwort und ohne zweiten Schritt.
account-passkeys-none = Noch keine Passkeys.
account-passkey-added = Hinzugefügt am { $date }
account-passkey-used = Zuletzt verwendet am { $date }
account-passkey-never-used = Noch nicht verwendet
account-passkey-synced = Geräteübergreifend synchronisiert
account-passkey-name = Name
account-passkey-rename = Umbenennen
account-passkey-delete = Löschen
account-passkey-add = Passkey hinzufügen
notice-passkey-added = Ihr Passkey wurde hinzugefügt.
notice-passkey-renamed = Ihr Passkey wurde umbenannt.
notice-passkey-removed = Ihr Passkey wurde gelöscht.
event-passkey-added = Passkey hinzugefügt
event-passkey-renamed = Passkey umbenannt
event-passkey-removed = Passkey gelöscht

## Die Benachrichtigung, dass einem Konto ein Passkey hinzugefügt wurde

mail-passkey-subject = Ihrem Konto bei { $site } wurde ein Passkey hinzugefügt
mail-passkey-heading = Ihrem Konto bei { $site } wurde gerade ein Passkey hinzugefügt. Mit ihm ist eine Anmeldung ohne Ihr Passwort und ohne zweiten Schritt möglich. Wenn Sie das waren, müssen Sie nichts tun. Falls nicht, löschen Sie ihn auf Ihrer Kontoseite, ändern Sie Ihr Passwort und melden Sie sich überall ab.
mail-passkey-action = Kontoseite öffnen
account-passkey-sign-in-again = Um einen Passkey hinzuzufügen, melden Sie sich zuerst erneut an: So bestätigen Sie, dass Sie es sind.
account-passkey-sign-in-again-link = Erneut anmelden
