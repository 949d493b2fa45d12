# authrs: the built-in pages and mails in Spanish.

## Términos usados en varias páginas

field-email = Correo electrónico
field-password = Contraseña
field-name = Nombre
field-username = Nombre de usuario
field-code = Código
action-sign-in = Iniciar sesión
back-to-site = Volver al sitio

## La página de inicio de sesión

sign-in-title = Iniciar sesión
sign-in-with = Iniciar sesión con { $provider }
sign-in-none = No hay ningún método de inicio de sesión configurado.
# El único campo de dirección con dos opciones: una contraseña o un enlace por correo.
sign-in-email-link = Enviarme un enlace por correo
sign-in-or = o
sign-up-summary = Crear una cuenta
sign-up-button = Crear cuenta
reset-summary = ¿Has olvidado tu contraseña?
reset-button = Enviar enlace de restablecimiento

notice-account-created = Tu cuenta está lista. Inicia sesión con tu correo electrónico y tu contraseña.
notice-reset-sent = Si existe una cuenta con esa dirección, te enviaremos un enlace para restablecer la contraseña.
notice-password-changed = Se ha cambiado tu contraseña y se han cerrado todas las sesiones. Inicia sesión con la nueva contraseña.

error-sign-in-failed = No se ha podido iniciar sesión. Vuelve a intentarlo o usa otra cuenta.
error-account-not-linked = Este correo electrónico ya está vinculado a otro método de inicio de sesión. Usa el método con el que te registraste.
error-email-not-sent = No se ha podido enviar el correo de inicio de sesión.
error-credentials = Error al iniciar sesión. Comprueba tus datos y vuelve a intentarlo. Las cuentas nuevas pueden iniciar sesión una vez confirmado su correo electrónico.
error-session-required = Inicia sesión para ver esta página.
error-csrf = El formulario de inicio de sesión ha caducado. Vuelve a intentarlo.
error-invalid-email = No se admite esa dirección de correo electrónico.
error-password-policy = Esa contraseña es demasiado corta o demasiado larga.
error-last-method = Esa cuenta es tu única forma de iniciar sesión, así que seguirá vinculada.
error-unable = No se puede iniciar sesión.

## Elegir una nueva contraseña (la página que abre un enlace de restablecimiento)

reset-title = Elige una nueva contraseña
reset-new-password = Nueva contraseña
reset-submit = Guardar contraseña

## La página de cierre de sesión

sign-out-title = Cerrar sesión
sign-out-question = ¿Seguro que quieres cerrar sesión?
sign-out-button = Cerrar sesión

## Después de enviar un correo de inicio de sesión

check-email-title = Revisa tu correo
check-email-with-code = Te hemos enviado un enlace para iniciar sesión. Ábrelo o escribe aquí el código del correo.
check-email-link-only = Te hemos enviado un enlace para iniciar sesión. Ábrelo en este dispositivo para continuar.
code-too-many = Demasiados códigos incorrectos. Espera unos minutos o abre el enlace del correo.
code-wrong = Ese código no ha funcionado. Compruébalo o pide un correo nuevo.

## Confirmar la dirección de una cuenta nueva

verify-title = Confirma tu correo electrónico
verify-wrong = Ese enlace o código no ha funcionado. Compruébalo o pide un correo nuevo.
verify-resent = Si hay una cuenta pendiente de confirmación con esa dirección, te enviaremos un correo nuevo.
verify-explain = Te hemos enviado un correo. Abre el enlace que contiene o escribe aquí su código. Hasta entonces, no podrás iniciar sesión con tu contraseña.
verify-submit = Confirmar
verify-resend = Enviar un correo nuevo

## La página que abre un enlace enviado por correo

confirm-title = Iniciar sesión en { $site }
confirm-continue-as = ¿Continuar como { $email }?

## La página de error

error-try-again-in = { $minutes ->
    [one] Vuelve a intentarlo en un minuto.
   *[other] Vuelve a intentarlo en { $minutes } minutos.
}
error-configuration-title = Error del servidor
error-configuration = El servidor no está configurado correctamente. El propietario del sitio puede consultar los detalles en los registros del servidor.
error-access-denied-title = Acceso denegado
error-access-denied = No tienes permiso para iniciar sesión.
error-verification-title = No se puede iniciar sesión
error-verification = Este enlace de inicio de sesión ya no es válido. Es posible que ya se haya usado o que haya caducado.
error-rate-limited-title = Demasiados intentos
error-rate-limited = Ha habido demasiadas solicitudes de inicio de sesión. Espera un poco antes de volver a intentarlo.
error-default-title = Algo ha salido mal
error-default = No se ha podido completar el inicio de sesión.

## Correos

mail-sign-in-subject = Inicia sesión en { $site }
mail-sign-in-heading = Inicia sesión en { $site }
mail-sign-in-action = Iniciar sesión
mail-reset-subject = Restablece tu contraseña de { $site }
mail-reset-heading = Restablece tu contraseña de { $site }
mail-reset-action = Elegir una nueva contraseña
mail-verify-subject = Confirma tu correo electrónico para { $site }
mail-verify-heading = Confirma tu correo electrónico para { $site }
mail-verify-action = Confirmar mi correo electrónico
mail-exists-subject = Tu cuenta en { $site }
mail-exists-heading = Alguien ha solicitado registrarse en { $site } con esta dirección, que ya tiene una cuenta. Si has sido tú, inicia sesión o elige aquí una nueva contraseña
mail-exists-action = Elegir una nueva contraseña
mail-or-code = O escribe este código en la página de inicio de sesión:
mail-valid-for = { $minutes ->
    [one] Válido para un solo uso durante el próximo minuto. Si no has solicitado este correo, puedes ignorarlo.
   *[other] Válido para un solo uso durante los próximos { $minutes } minutos. Si no has solicitado este correo, puedes ignorarlo.
}

## La página principal del servidor

home-signed-in-as = Sesión iniciada como { $name }
home-not-signed-in = No has iniciado sesión
home-demo = Prueba la cuenta de demostración: correo electrónico { $email }, contraseña en { $file }
home-sign-out = Cerrar sesión
home-sign-in-as-other = Iniciar sesión con otra cuenta
home-endpoints = Endpoints

## La página de la cuenta

account-title = Tu cuenta
account-profile = Perfil
account-name = Nombre
account-image = Imagen (URL)
account-email-verified = { $email } (confirmado)
account-email-unverified = { $email } (aún sin confirmar)
account-save = Guardar
account-sessions = Dónde has iniciado sesión
account-this-device = Este dispositivo
account-session-started = Sesión iniciada el { $date }
account-session-active = Última actividad el { $date }
account-session-network = Red { $network }
account-unknown-device = Dispositivo desconocido
account-device = { $browser } en { $system }
account-revoke = Cerrar sesión
account-revoke-others = Cerrar las demás sesiones
account-jwt-sessions = Tu sesión se guarda en tu navegador. Cierra sesión en todas partes para finalizar todas las sesiones, incluida esta.
account-sign-out-everywhere = Cerrar sesión en todas partes
account-methods = Formas de iniciar sesión
account-password = Contraseña
account-current-password = Contraseña actual
account-new-password = Nueva contraseña
account-change-password = Cambiar contraseña
account-set-password = Enviarme un enlace por correo para establecer una contraseña
account-no-password = Todavía no tienes contraseña.
account-linked = Cuentas vinculadas
account-unlink = Desvincular
account-link = Vincular { $provider }
account-none-linked = No hay ninguna cuenta vinculada.
account-danger = Eliminar tu cuenta
account-delete-explain = Esto elimina tu cuenta, todas tus sesiones y todos los métodos de inicio de sesión vinculados. No se puede deshacer.
account-delete-password = Escribe tu contraseña para confirmar.
account-delete-code = Escribe el código que te hemos enviado por correo para confirmar.
account-delete-send-code = Enviarme un código por correo
account-delete-button = Eliminar mi cuenta
account-delete-unavailable = Esta cuenta no se puede eliminar aquí: no tiene contraseña y el sitio no envía correos. Ponte en contacto con el propietario del sitio.
account-sign-out = Cerrar sesión
account-activity = Actividad de seguridad reciente
account-activity-explain = Inicios de sesión, cambios en tus formas de iniciar sesión y sesiones cerradas. Si no reconoces alguno, cambia tu contraseña y cierra sesión en todas partes.
account-activity-none = Todavía no hay nada.
account-activity-with = Con { $provider }
event-sign-in = Inicio de sesión
event-sign-in-failed = Intento de inicio de sesión fallido
event-sign-out = Cierre de sesión
event-account-created = Cuenta creada
event-email-verified = Correo electrónico confirmado
event-password-changed = Contraseña cambiada
event-password-reset = Contraseña establecida con un enlace enviado por correo
event-proof-failed = Contraseña o código incorrectos al confirmar un cambio
event-account-linked = Cuenta vinculada
event-account-unlinked = Cuenta desvinculada
event-session-revoked = Se ha cerrado una sesión
event-other-sessions-revoked = Se han cerrado todas las demás sesiones
event-signed-out-everywhere = Sesión cerrada en todas partes
event-profile-updated = Perfil modificado
event-deletion-requested = Se ha enviado por correo un código para eliminar la cuenta
event-account-deleted = Cuenta eliminada
event-two-factor-enabled = Verificación en dos pasos activada
event-two-factor-disabled = Verificación en dos pasos desactivada
event-recovery-codes-regenerated = Nuevos códigos de recuperación generados
event-recovery-code-used = Se ha usado un código de recuperación
account-two-factor = Verificación en dos pasos
account-two-factor-on = Activada. { $left ->
    [one] Queda { $left } código de recuperación.
   *[other] Quedan { $left } códigos de recuperación.
}
account-two-factor-off = Desactivada. Añade a cada inicio de sesión un código de una aplicación de autenticación.
account-two-factor-required = Este sitio pide un segundo paso a todos los usuarios.
account-two-factor-set-up = Configurar la verificación en dos pasos
account-two-factor-proof = Escribe un código actual o tu contraseña para cambiar esto.
account-two-factor-disable = Desactivar
account-two-factor-new-codes = Generar nuevos códigos de recuperación
notice-two-factor-disabled = La verificación en dos pasos está desactivada.

## Verificación en dos pasos (un código de una aplicación de autenticación después de la contraseña, el enlace o el proveedor)

two-factor-title = Verificación en dos pasos
two-factor-enter-code = Escribe el código de 6 dígitos de tu aplicación de autenticación.
two-factor-required-enrol = Este sitio pide un segundo paso en cada inicio de sesión. Configura una aplicación de autenticación para continuar.
two-factor-scan = Escanea este código con tu aplicación de autenticación.
two-factor-qr = Código QR para tu aplicación de autenticación
two-factor-or-type = O escribe esta clave en la aplicación:
two-factor-code = Código
two-factor-use-recovery = Usar un código de recuperación en su lugar
two-factor-recovery-code = Código de recuperación
two-factor-remember = { $days ->
    [one] Recordar este dispositivo durante { $days } día
   *[other] Recordar este dispositivo durante { $days } días
}
two-factor-verify = Continuar
two-factor-start-over = Empezar de nuevo
two-factor-wrong = Ese código no ha funcionado. Compruébalo y vuelve a intentarlo.
two-factor-setup-title = Configurar la verificación en dos pasos
two-factor-confirm-code = Escribe el código que muestra la aplicación para confirmar
two-factor-turn-on = Activar
two-factor-cancel = Cancelar
two-factor-codes-title = Tus códigos de recuperación
two-factor-codes-explain = Cada código te permite iniciar sesión una vez si pierdes tu aplicación de autenticación. Guárdalos en un lugar seguro: solo se muestran ahora.
two-factor-codes-saved = Ya los he guardado
notice-profile-saved = Se ha guardado tu perfil.
notice-session-revoked = Se ha cerrado esa sesión.
notice-others-revoked = Se han cerrado todas las demás sesiones.
notice-delete-code-sent = Te hemos enviado un código por correo. Es válido para un solo uso durante unos minutos.
notice-password-link-sent = Te hemos enviado por correo un enlace para establecer una contraseña.
error-invalid-profile = No se admite ese nombre o esa imagen. La imagen debe ser una dirección https://.
error-wrong-proof = Los datos no coinciden. Compruébalos y vuelve a intentarlo.
error-unknown-session = Esa sesión no es tuya o ya se ha cerrado.
error-sessions-not-listed = Aquí las sesiones se guardan en los navegadores, así que no se muestran. «Cerrar sesión en todas partes» las cierra todas.

## El correo que confirma la eliminación de una cuenta

mail-delete-subject = Confirma la eliminación de tu cuenta en { $site }
mail-delete-heading = Alguien ha solicitado eliminar tu cuenta en { $site }. Si has sido tú, escribe el código de abajo en la página de tu cuenta. Si no, cambia tu contraseña.
mail-delete-action = Ir a tu cuenta
mail-delete-code = El código para la página de tu cuenta:

## El aviso de que la verificación en dos pasos de una cuenta ha cambiado

mail-two-factor-subject = Se ha cambiado la verificación en dos pasos de tu cuenta en { $site }
mail-two-factor-heading = La verificación en dos pasos de tu cuenta en { $site } acaba de cambiar: se ha activado o desactivado, o se han generado nuevos códigos de recuperación. Si has sido tú, no tienes que hacer nada. Si no, cambia tu contraseña y cierra sesión en todas partes.
mail-two-factor-action = Ir a tu cuenta

## Llaves de acceso: la página de inicio de sesión, la página de la cuenta y sus avisos

passkey-sign-in = Iniciar sesión con una llave de acceso
passkey-failed = No se ha podido usar la llave de acceso. Vuelve a intentarlo o inicia sesión de otra forma.
passkey-sign-up-summary = Crear una cuenta con una llave de acceso
passkey-sign-up-explain = Tu dispositivo guarda una llave de acceso para este sitio. Después te enviamos por correo un enlace y un código: la cuenta se crea cuando usas uno de los dos en este navegador.
passkey-sign-up-button = Crear una llave de acceso
error-passkey = No se ha podido usar esa llave de acceso. Vuelve a intentarlo o inicia sesión de otra forma.
account-passkeys = Llaves de acceso
account-passkeys-explain = Una llave de acceso te permite iniciar sesión con el bloqueo de pantalla de tu dispositivo o con una llave de seguridad, sin contraseña y sin segundo paso.
account-passkeys-none = Todavía no hay llaves de acceso.
account-passkey-added = Añadida el { $date }
account-passkey-used = Último uso el { $date }
account-passkey-never-used = Todavía sin usar
account-passkey-synced = Sincronizada entre dispositivos
account-passkey-name = Nombre
account-passkey-rename = Cambiar nombre
account-passkey-delete = Eliminar
account-passkey-add = Añadir una llave de acceso
notice-passkey-added = Se ha añadido tu llave de acceso.
notice-passkey-renamed = Se ha cambiado el nombre de tu llave de acceso.
notice-passkey-removed = Se ha eliminado tu llave de acceso.
event-passkey-added = Llave de acceso añadida
event-passkey-renamed = Llave de acceso renombrada
event-passkey-removed = Llave de acceso eliminada

## El aviso de que se ha añadido una llave de acceso a una cuenta

mail-passkey-subject = Se ha añadido una llave de acceso a tu cuenta en { $site }
mail-passkey-heading = Se acaba de añadir una llave de acceso a tu cuenta en { $site }. Permite iniciar sesión sin tu contraseña y sin segundo paso. Si has sido tú, no tienes que hacer nada. Si no, elimínala en la página de tu cuenta, cambia tu contraseña y cierra sesión en todas partes.
mail-passkey-action = Ir a tu cuenta
account-passkey-sign-in-again = Para añadir una llave de acceso, primero vuelve a iniciar sesión: así confirmamos que eres tú.
account-passkey-sign-in-again-link = Volver a iniciar sesión
