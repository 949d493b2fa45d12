# authrs: the built-in pages and mails in French.

## Termes utilisés sur plusieurs pages

field-email = Adresse e-mail
field-password = Mot de passe
field-name = Nom
field-username = Nom d’utilisateur
field-code = Code
action-sign-in = Se connecter
back-to-site = Retour au site

## La page de connexion

sign-in-title = Connexion
sign-in-with = Se connecter avec { $provider }
sign-in-none = Aucune méthode de connexion n’est configurée.
sign-in-email-link = Recevoir un lien par e-mail
sign-in-or = ou
sign-up-summary = Créer un compte
sign-up-button = Créer le compte
reset-summary = Mot de passe oublié ?
reset-button = Envoyer un lien de réinitialisation

notice-account-created = Votre compte est prêt. Connectez-vous avec votre adresse e-mail et votre mot de passe.
notice-reset-sent = Si un compte existe pour cette adresse, un lien de réinitialisation du mot de passe vient d’y être envoyé.
notice-password-changed = Votre mot de passe a été modifié et toutes les sessions ont été fermées. Connectez-vous avec le nouveau mot de passe.

error-sign-in-failed = La connexion n’a pas abouti. Réessayez ou utilisez un autre compte.
error-account-not-linked = Cette adresse e-mail est déjà associée à une autre méthode de connexion. Utilisez la méthode choisie lors de votre inscription.
error-email-not-sent = L’e-mail de connexion n’a pas pu être envoyé.
error-credentials = Échec de la connexion. Vérifiez vos informations et réessayez. Un nouveau compte ne peut se connecter qu’une fois son adresse e-mail confirmée.
error-session-required = Veuillez vous connecter pour accéder à cette page.
error-csrf = Votre formulaire de connexion a expiré. Veuillez réessayer.
error-invalid-email = Cette adresse e-mail n’est pas acceptée.
error-password-policy = Ce mot de passe est trop court ou trop long.
error-last-method = Ce compte est votre seul moyen de connexion, il reste donc associé.
error-unable = Connexion impossible.

## Choisir un nouveau mot de passe (la page qu’ouvre un lien de réinitialisation)

reset-title = Choisissez un nouveau mot de passe
reset-new-password = Nouveau mot de passe
reset-submit = Définir le mot de passe

## La page de déconnexion

sign-out-title = Déconnexion
sign-out-question = Voulez-vous vraiment vous déconnecter ?
sign-out-button = Se déconnecter

## Après l’envoi d’un e-mail de connexion

check-email-title = Consultez vos e-mails
check-email-with-code = Nous vous avons envoyé un lien de connexion. Ouvrez-le ou saisissez ici le code indiqué dans l’e-mail.
check-email-link-only = Nous vous avons envoyé un lien de connexion. Ouvrez-le sur cet appareil pour continuer.
code-too-many = Trop de codes erronés. Patientez quelques minutes ou ouvrez le lien reçu par e-mail.
code-wrong = Ce code n’a pas fonctionné. Vérifiez-le ou demandez un nouvel e-mail.

## Confirmer l’adresse d’un nouveau compte

verify-title = Confirmez votre adresse e-mail
verify-wrong = Ce lien ou ce code n’a pas fonctionné. Vérifiez-le ou demandez un nouvel e-mail.
verify-resent = Si un compte en attente de confirmation existe pour cette adresse, un nouvel e-mail vient d’y être envoyé.
verify-explain = Nous vous avons envoyé un e-mail. Ouvrez le lien qu’il contient ou saisissez ici son code. D’ici là, votre mot de passe ne permet pas de vous connecter.
verify-submit = Confirmer
verify-resend = Envoyer un nouvel e-mail

## La page qu’ouvre un lien reçu par e-mail

confirm-title = Connexion à { $site }
confirm-continue-as = Continuer en tant que { $email } ?

## La page d’erreur

error-try-again-in = { $minutes ->
    [one] Réessayez dans { $minutes } minute.
   *[other] Réessayez dans { $minutes } minutes.
}
error-configuration-title = Erreur du serveur
error-configuration = Le serveur n’est pas configuré correctement. Le responsable du site trouvera les détails dans les journaux du serveur.
error-access-denied-title = Accès refusé
error-access-denied = Vous n’êtes pas autorisé à vous connecter.
error-verification-title = Connexion impossible
error-verification = Ce lien de connexion n’est plus valide. Il a peut-être déjà été utilisé ou a expiré.
error-rate-limited-title = Trop de tentatives
error-rate-limited = Il y a eu trop de demandes de connexion. Veuillez patienter avant de réessayer.
error-default-title = Une erreur s’est produite
error-default = La connexion n’a pas pu aboutir.

## E-mails

mail-sign-in-subject = Connexion à { $site }
mail-sign-in-heading = Connexion à { $site }
mail-sign-in-action = Se connecter
mail-reset-subject = Réinitialisation de votre mot de passe sur { $site }
mail-reset-heading = Réinitialisation de votre mot de passe sur { $site }
mail-reset-action = Choisir un nouveau mot de passe
mail-verify-subject = Confirmez votre adresse e-mail pour { $site }
mail-verify-heading = Confirmez votre adresse e-mail pour { $site }
mail-verify-action = Confirmer mon adresse e-mail
mail-exists-subject = Votre compte sur { $site }
mail-exists-heading = Quelqu’un a demandé à s’inscrire sur { $site } avec cette adresse, qui a déjà un compte. Si c’était vous, connectez-vous ou choisissez ici un nouveau mot de passe
mail-exists-action = Choisir un nouveau mot de passe
mail-or-code = Ou saisissez ce code sur la page de connexion :
mail-valid-for = { $minutes ->
    [one] Utilisable une seule fois, pendant { $minutes } minute. Si vous n’avez pas demandé cet e-mail, vous pouvez l’ignorer.
   *[other] Utilisable une seule fois, pendant les { $minutes } prochaines minutes. Si vous n’avez pas demandé cet e-mail, vous pouvez l’ignorer.
}

## La page d’accueil du serveur

home-signed-in-as = Connecté en tant que { $name }
home-not-signed-in = Non connecté
home-demo = Essayez le compte de démonstration : adresse e-mail { $email }, mot de passe dans { $file }
home-sign-out = Se déconnecter
home-sign-in-as-other = Se connecter avec un autre compte
home-endpoints = Points de terminaison

## La page du compte

account-title = Votre compte
account-profile = Profil
account-name = Nom
account-image = Image (URL)
account-email-verified = { $email } (confirmée)
account-email-unverified = { $email } (pas encore confirmée)
account-save = Enregistrer
account-sessions = Où vous êtes connecté
account-this-device = Cet appareil
account-session-started = Connexion le { $date }
account-session-active = Dernière activité le { $date }
account-session-network = Réseau { $network }
account-unknown-device = Appareil inconnu
account-device = { $browser } sous { $system }
account-revoke = Déconnecter
account-revoke-others = Déconnecter toutes les autres sessions
account-jwt-sessions = Votre session est conservée dans votre navigateur. Déconnectez-vous partout pour fermer toutes les sessions, y compris celle-ci.
account-sign-out-everywhere = Se déconnecter partout
account-methods = Méthodes de connexion
account-password = Mot de passe
account-current-password = Mot de passe actuel
account-new-password = Nouveau mot de passe
account-change-password = Modifier le mot de passe
account-set-password = Recevoir par e-mail un lien pour définir un mot de passe
account-no-password = Vous n’avez pas encore de mot de passe.
account-linked = Comptes associés
account-unlink = Dissocier
account-link = Associer { $provider }
account-none-linked = Aucun compte n’est associé.
account-danger = Supprimer votre compte
account-delete-explain = Cette action supprime votre compte, toutes vos sessions et toutes les méthodes de connexion associées. Elle est irréversible.
account-delete-password = Saisissez votre mot de passe pour confirmer.
account-delete-code = Saisissez le code que nous vous avons envoyé par e-mail pour confirmer.
account-delete-send-code = Recevoir un code par e-mail
account-delete-button = Supprimer mon compte
account-delete-unavailable = Ce compte ne peut pas être supprimé ici : il n’a pas de mot de passe et le site n’envoie pas d’e-mails. Adressez-vous au responsable du site.
account-sign-out = Se déconnecter
account-activity = Activité de sécurité récente
account-activity-explain = Connexions, modifications de vos méthodes de connexion et sessions fermées. Si vous ne reconnaissez pas l’une d’elles, modifiez votre mot de passe et déconnectez-vous partout.
account-activity-none = Rien pour l’instant.
account-activity-with = Avec { $provider }
event-sign-in = Connexion
event-sign-in-failed = Tentative de connexion échouée
event-sign-out = Déconnexion
event-account-created = Compte créé
event-email-verified = Adresse e-mail confirmée
event-password-changed = Mot de passe modifié
event-password-reset = Mot de passe défini via un lien reçu par e-mail
event-proof-failed = Mot de passe ou code erroné lors de la confirmation d’une modification
event-account-linked = Compte associé
event-account-unlinked = Compte dissocié
event-session-revoked = Une session a été fermée
event-other-sessions-revoked = Toutes les autres sessions ont été fermées
event-signed-out-everywhere = Déconnexion de toutes les sessions
event-profile-updated = Profil modifié
event-deletion-requested = Code de suppression du compte envoyé par e-mail
event-account-deleted = Compte supprimé
event-two-factor-enabled = Validation en deux étapes activée
event-two-factor-disabled = Validation en deux étapes désactivée
event-recovery-codes-regenerated = Nouveaux codes de récupération générés
event-recovery-code-used = Un code de récupération a été utilisé
account-two-factor = Validation en deux étapes
account-two-factor-on = Activée. { $left ->
    [one] Il reste { $left } code de récupération.
   *[other] Il reste { $left } codes de récupération.
}
account-two-factor-off = Désactivée. Ajoutez à chaque connexion un code fourni par une application d’authentification.
account-two-factor-required = Ce site demande une deuxième étape à tous les utilisateurs.
account-two-factor-set-up = Configurer la validation en deux étapes
account-two-factor-proof = Saisissez un code actuel ou votre mot de passe pour modifier ce paramètre.
account-two-factor-disable = Désactiver
account-two-factor-new-codes = Générer de nouveaux codes de récupération
notice-two-factor-disabled = La validation en deux étapes est désactivée.

## Validation en deux étapes (un code d’une application d’authentification après le mot de passe, le lien ou le fournisseur)

two-factor-title = Validation en deux étapes
two-factor-enter-code = Saisissez le code à 6 chiffres indiqué par votre application d’authentification.
two-factor-required-enrol = Ce site demande une deuxième étape à chaque connexion. Configurez une application d’authentification pour continuer.
two-factor-scan = Scannez ce code avec votre application d’authentification.
two-factor-qr = Code QR pour votre application d’authentification
two-factor-or-type = Ou saisissez cette clé dans l’application :
two-factor-code = Code
two-factor-use-recovery = Utiliser plutôt un code de récupération
two-factor-recovery-code = Code de récupération
two-factor-remember = { $days ->
    [one] Mémoriser cet appareil pendant { $days } jour
   *[other] Mémoriser cet appareil pendant { $days } jours
}
two-factor-verify = Continuer
two-factor-start-over = Recommencer
two-factor-wrong = Ce code n’a pas fonctionné. Vérifiez-le et réessayez.
two-factor-setup-title = Configurer la validation en deux étapes
two-factor-confirm-code = Saisissez le code affiché par l’application pour confirmer
two-factor-turn-on = Activer
two-factor-cancel = Annuler
two-factor-codes-title = Vos codes de récupération
two-factor-codes-explain = Chaque code vous permet de vous connecter une fois si vous perdez votre application d’authentification. Conservez-les en lieu sûr : ils ne sont affichés qu’une seule fois.
two-factor-codes-saved = Je les ai enregistrés
notice-profile-saved = Votre profil a été enregistré.
notice-session-revoked = Cette session a été fermée.
notice-others-revoked = Toutes les autres sessions ont été fermées.
notice-delete-code-sent = Nous vous avons envoyé un code par e-mail. Il est utilisable une seule fois, pendant quelques minutes.
notice-password-link-sent = Nous vous avons envoyé par e-mail un lien pour définir un mot de passe.
error-invalid-profile = Le nom ou l’image indiqués ne sont pas acceptés. Une image doit être une adresse https://.
error-wrong-proof = La valeur saisie ne correspond pas. Vérifiez-la et réessayez.
error-unknown-session = Cette session ne vous appartient pas ou a déjà été fermée.
error-sessions-not-listed = Les sessions sont conservées dans les navigateurs et ne sont donc pas listées. « Se déconnecter partout » les ferme toutes.

## L’e-mail qui confirme la suppression d’un compte

mail-delete-subject = Confirmez la suppression de votre compte sur { $site }
mail-delete-heading = Quelqu’un a demandé la suppression de votre compte sur { $site }. Si c’était vous, saisissez le code ci-dessous sur la page de votre compte. Sinon, modifiez votre mot de passe.
mail-delete-action = Accéder à votre compte
mail-delete-code = Le code pour la page de votre compte :

## L’avis indiquant que la validation en deux étapes d’un compte a été modifiée

mail-two-factor-subject = Validation en deux étapes modifiée pour votre compte sur { $site }
mail-two-factor-heading = La validation en deux étapes de votre compte sur { $site } vient d’être modifiée : elle a été activée ou désactivée, ou de nouveaux codes de récupération ont été générés. Si c’était vous, vous n’avez rien à faire. Sinon, modifiez votre mot de passe et déconnectez-vous partout.
mail-two-factor-action = Accéder à votre compte

## Clés d’accès : la page de connexion, la page du compte et leurs avis

passkey-sign-in = Se connecter avec une clé d’accès
passkey-failed = La clé d’accès n’a pas pu être utilisée. Réessayez ou connectez-vous autrement.
passkey-sign-up-summary = Créer un compte avec une clé d’accès
passkey-sign-up-explain = Votre appareil enregistre une clé d’accès pour ce site. Nous vous envoyons ensuite par e-mail un lien et un code : le compte est créé dès que vous utilisez l’un des deux dans ce navigateur.
passkey-sign-up-button = Créer une clé d’accès
error-passkey = Cette clé d’accès n’a pas pu être utilisée. Réessayez ou connectez-vous autrement.
account-passkeys = Clés d’accès
account-passkeys-explain = Une clé d’accès vous connecte avec le verrouillage de l’écran de votre appareil ou une clé de sécurité, sans mot de passe ni deuxième étape.
account-passkeys-none = Aucune clé d’accès pour l’instant.
account-passkey-added = Ajoutée le { $date }
account-passkey-used = Dernière utilisation le { $date }
account-passkey-never-used = Pas encore utilisée
account-passkey-synced = Synchronisée sur vos appareils
account-passkey-name = Nom
account-passkey-rename = Renommer
account-passkey-delete = Supprimer
account-passkey-add = Ajouter une clé d’accès
notice-passkey-added = Votre clé d’accès a été ajoutée.
notice-passkey-renamed = Votre clé d’accès a été renommée.
notice-passkey-removed = Votre clé d’accès a été supprimée.
event-passkey-added = Clé d’accès ajoutée
event-passkey-renamed = Clé d’accès renommée
event-passkey-removed = Clé d’accès supprimée

## L’avis indiquant qu’une clé d’accès a été ajoutée à un compte

mail-passkey-subject = Une clé d’accès a été ajoutée à votre compte sur { $site }
mail-passkey-heading = Une clé d’accès vient d’être ajoutée à votre compte sur { $site }. Elle permet de se connecter sans votre mot de passe ni deuxième étape. Si c’était vous, vous n’avez rien à faire. Sinon, supprimez-la sur la page de votre compte, modifiez votre mot de passe et déconnectez-vous partout.
mail-passkey-action = Accéder à votre compte
account-passkey-sign-in-again = Pour ajouter une clé d’accès, reconnectez-vous d’abord : cela confirme qu’il s’agit bien de vous.
account-passkey-sign-in-again-link = Se reconnecter
