# authrs: the built-in pages and mails in Brazilian Portuguese.

## Termos usados em várias páginas

field-email = E-mail
field-password = Senha
field-name = Nome
field-username = Nome de usuário
field-code = Código
action-sign-in = Entrar
back-to-site = Voltar ao site

## A página de login

sign-in-title = Entrar
sign-in-with = Entrar com { $provider }
sign-in-none = Nenhum método de login está configurado.
# O único campo de endereço com duas opções: uma senha ou um link por e-mail.
sign-in-email-link = Receber um link por e-mail
sign-in-or = ou
sign-up-summary = Criar uma conta
sign-up-button = Criar conta
reset-summary = Esqueceu a senha?
reset-button = Enviar link de redefinição

notice-account-created = Sua conta está pronta. Faça login com seu e-mail e sua senha.
notice-reset-sent = Se houver uma conta com esse endereço, enviaremos um link para redefinir a senha.
notice-password-changed = Sua senha foi alterada e todas as sessões foram encerradas. Faça login com a nova senha.

error-sign-in-failed = Não foi possível fazer login. Tente novamente ou use outra conta.
error-account-not-linked = Este e-mail já está vinculado a outro método de login. Use o método com que você se cadastrou.
error-email-not-sent = Não foi possível enviar o e-mail de login.
error-credentials = Falha no login. Verifique seus dados e tente novamente. Contas novas só podem entrar depois que o e-mail for confirmado.
error-session-required = Faça login para ver esta página.
error-csrf = Seu formulário de login expirou. Tente novamente.
error-invalid-email = Esse endereço de e-mail não é aceito.
error-password-policy = Essa senha é curta ou longa demais.
error-last-method = Essa conta é sua única forma de entrar, por isso ela continuará vinculada.
error-unable = Não é possível fazer login.

## Escolher uma nova senha (a página aberta por um link de redefinição)

reset-title = Escolha uma nova senha
reset-new-password = Nova senha
reset-submit = Definir senha

## A página de saída

sign-out-title = Sair
sign-out-question = Tem certeza de que quer sair?
sign-out-button = Sair

## Depois do envio de um e-mail de login

check-email-title = Verifique seu e-mail
check-email-with-code = Enviamos um link para você entrar. Abra-o ou digite aqui o código do e-mail.
check-email-link-only = Enviamos um link para você entrar. Abra-o neste dispositivo para continuar.
code-too-many = Muitos códigos incorretos. Aguarde alguns minutos ou abra o link do e-mail.
code-wrong = Esse código não funcionou. Confira o código ou peça um novo e-mail.

## Confirmar o endereço de uma conta nova

verify-title = Confirme seu e-mail
verify-wrong = Esse link ou código não funcionou. Confira ou peça um novo e-mail.
verify-resent = Se houver uma conta aguardando confirmação com esse endereço, enviaremos um novo e-mail.
verify-explain = Enviamos um e-mail para você. Abra o link dele ou digite o código aqui. Até lá, não será possível entrar com sua senha.
verify-submit = Confirmar
verify-resend = Enviar novo e-mail

## A página aberta por um link enviado por e-mail

confirm-title = Entrar em { $site }
confirm-continue-as = Continuar como { $email }?

## A página de erro

error-try-again-in = { $minutes ->
    [one] Tente novamente em { $minutes } minuto.
   *[other] Tente novamente em { $minutes } minutos.
}
error-configuration-title = Erro no servidor
error-configuration = O servidor não está configurado corretamente. O responsável pelo site pode encontrar os detalhes nos logs do servidor.
error-access-denied-title = Acesso negado
error-access-denied = Você não tem permissão para entrar.
error-verification-title = Não foi possível fazer login
error-verification = Este link de login não é mais válido. Talvez ele já tenha sido usado ou tenha expirado.
error-rate-limited-title = Muitas tentativas
error-rate-limited = Houve muitas solicitações de login. Aguarde um pouco antes de tentar novamente.
error-default-title = Algo deu errado
error-default = Não foi possível concluir o login.

## E-mails

mail-sign-in-subject = Faça login em { $site }
mail-sign-in-heading = Faça login em { $site }
mail-sign-in-action = Entrar
mail-reset-subject = Redefina sua senha em { $site }
mail-reset-heading = Redefina sua senha em { $site }
mail-reset-action = Escolher uma nova senha
mail-verify-subject = Confirme seu e-mail em { $site }
mail-verify-heading = Confirme seu e-mail em { $site }
mail-verify-action = Confirmar meu e-mail
mail-exists-subject = Sua conta em { $site }
mail-exists-heading = Alguém pediu para se cadastrar em { $site } com este endereço, que já tem uma conta. Se foi você, faça login ou escolha uma nova senha aqui
mail-exists-action = Escolher uma nova senha
mail-or-code = Ou digite este código na página de login:
mail-valid-for = { $minutes ->
    [one] Válido para um único uso, por { $minutes } minuto. Se você não pediu este e-mail, pode ignorá-lo.
   *[other] Válido para um único uso, pelos próximos { $minutes } minutos. Se você não pediu este e-mail, pode ignorá-lo.
}

## A página inicial do servidor

home-signed-in-as = Conectado como { $name }
home-not-signed-in = Não conectado
home-demo = Experimente a conta de demonstração: e-mail { $email }, senha em { $file }
home-sign-out = Sair
home-sign-in-as-other = Entrar com outra conta
home-endpoints = Endpoints
