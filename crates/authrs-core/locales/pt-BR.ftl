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

## A página da conta

account-title = Sua conta
account-profile = Perfil
account-name = Nome
account-image = Imagem (URL)
account-email-verified = { $email } (confirmado)
account-email-unverified = { $email } (ainda não confirmado)
account-save = Salvar
account-sessions = Onde você está conectado
account-this-device = Este dispositivo
account-session-started = Login em { $date }
account-session-active = Última atividade em { $date }
account-session-network = Rede { $network }
account-unknown-device = Dispositivo desconhecido
account-device = { $browser } no { $system }
account-revoke = Encerrar sessão
account-revoke-others = Sair de todas as outras sessões
account-jwt-sessions = Sua sessão fica salva no seu navegador. Saia de todas as sessões para encerrá-las, inclusive esta.
account-sign-out-everywhere = Sair de todas as sessões
account-methods = Formas de entrar
account-password = Senha
account-current-password = Senha atual
account-new-password = Nova senha
account-change-password = Alterar senha
account-set-password = Receber um link por e-mail para definir uma senha
account-no-password = Você ainda não tem uma senha.
account-linked = Contas vinculadas
account-unlink = Desvincular
account-link = Vincular { $provider }
account-none-linked = Nenhuma conta vinculada.
account-danger = Excluir sua conta
account-delete-explain = Isso remove sua conta, todas as sessões e todos os métodos de login vinculados. Não é possível desfazer.
account-delete-password = Digite sua senha para confirmar.
account-delete-code = Digite o código que enviamos por e-mail para confirmar.
account-delete-send-code = Receber um código por e-mail
account-delete-button = Excluir minha conta
account-delete-unavailable = Esta conta não pode ser excluída aqui: ela não tem senha e o site não envia e-mails. Fale com o responsável pelo site.
account-sign-out = Sair
account-activity = Atividade de segurança recente
account-activity-explain = Logins, alterações nas suas formas de entrar e sessões encerradas. Se você não reconhecer algum, altere sua senha e saia de todas as sessões.
account-activity-none = Nada por enquanto.
account-activity-with = Com { $provider }
event-sign-in = Login realizado
event-sign-in-failed = Tentativa de login malsucedida
event-sign-out = Saiu da conta
event-account-created = Conta criada
event-email-verified = E-mail confirmado
event-password-changed = Senha alterada
event-password-reset = Senha definida com um link enviado por e-mail
event-proof-failed = Senha ou código incorreto ao confirmar uma alteração
event-account-linked = Conta vinculada
event-account-unlinked = Conta desvinculada
event-session-revoked = Uma sessão foi encerrada
event-other-sessions-revoked = Todas as outras sessões foram encerradas
event-signed-out-everywhere = Saiu de todas as sessões
event-profile-updated = Perfil alterado
event-deletion-requested = Código para excluir a conta enviado por e-mail
event-account-deleted = Conta excluída
event-two-factor-enabled = Verificação em duas etapas ativada
event-two-factor-disabled = Verificação em duas etapas desativada
event-recovery-codes-regenerated = Novos códigos de recuperação gerados
event-recovery-code-used = Um código de recuperação foi usado
account-two-factor = Verificação em duas etapas
account-two-factor-on = Ativada. { $left ->
    [one] Resta { $left } código de recuperação.
   *[other] Restam { $left } códigos de recuperação.
}
account-two-factor-off = Desativada. Adicione a cada login um código de um app autenticador.
account-two-factor-required = Este site pede uma segunda etapa a todos os usuários.
account-two-factor-set-up = Configurar a verificação em duas etapas
account-two-factor-proof = Digite um código atual ou sua senha para alterar isso.
account-two-factor-disable = Desativar
account-two-factor-new-codes = Gerar novos códigos de recuperação
notice-two-factor-disabled = A verificação em duas etapas está desativada.

## Verificação em duas etapas (um código de um app autenticador depois da senha, do link ou do provedor)

two-factor-title = Verificação em duas etapas
two-factor-enter-code = Digite o código de 6 dígitos do seu app autenticador.
two-factor-required-enrol = Este site pede uma segunda etapa em todo login. Configure um app autenticador para continuar.
two-factor-scan = Escaneie este código com seu app autenticador.
two-factor-qr = QR code para seu app autenticador
two-factor-or-type = Ou digite esta chave no app:
two-factor-code = Código
two-factor-use-recovery = Usar um código de recuperação
two-factor-recovery-code = Código de recuperação
two-factor-remember = { $days ->
    [one] Lembrar este dispositivo por { $days } dia
   *[other] Lembrar este dispositivo por { $days } dias
}
two-factor-verify = Continuar
two-factor-start-over = Começar de novo
two-factor-wrong = Esse código não funcionou. Confira e tente novamente.
two-factor-setup-title = Configurar a verificação em duas etapas
two-factor-confirm-code = Digite o código exibido no app para confirmar
two-factor-turn-on = Ativar
two-factor-cancel = Cancelar
two-factor-codes-title = Seus códigos de recuperação
two-factor-codes-explain = Cada código permite entrar uma vez se você perder seu app autenticador. Guarde os códigos em um lugar seguro: eles só são exibidos agora.
two-factor-codes-saved = Já salvei os códigos
notice-profile-saved = Seu perfil foi salvo.
notice-session-revoked = Essa sessão foi encerrada.
notice-others-revoked = Todas as outras sessões foram encerradas.
notice-delete-code-sent = Enviamos um código por e-mail para você. Ele é válido para um único uso, por alguns minutos.
notice-password-link-sent = Enviamos por e-mail um link para você definir uma senha.
error-invalid-profile = O nome ou a imagem informados não são aceitos. A imagem precisa ser um endereço https://.
error-wrong-proof = Os dados não conferem. Verifique e tente novamente.
error-unknown-session = Essa sessão não é sua ou já foi encerrada.
error-sessions-not-listed = Aqui as sessões ficam nos navegadores, então não são listadas. “Sair de todas as sessões” encerra todas.

## O e-mail que confirma a exclusão de uma conta

mail-delete-subject = Confirme a exclusão da sua conta em { $site }
mail-delete-heading = Alguém pediu para excluir sua conta em { $site }. Se foi você, digite o código abaixo na página da sua conta. Se não foi, altere sua senha.
mail-delete-action = Acessar sua conta
mail-delete-code = O código para a página da sua conta:

## O aviso de que a verificação em duas etapas de uma conta foi alterada

mail-two-factor-subject = A verificação em duas etapas da sua conta em { $site } foi alterada
mail-two-factor-heading = A verificação em duas etapas da sua conta em { $site } acabou de ser alterada: ela foi ativada ou desativada, ou novos códigos de recuperação foram gerados. Se foi você, não é preciso fazer nada. Se não foi, altere sua senha e saia de todas as sessões.
mail-two-factor-action = Acessar sua conta

## Chaves de acesso: a página de login, a página da conta e seus avisos

passkey-sign-in = Entrar com uma chave de acesso
passkey-failed = Não foi possível usar a chave de acesso. Tente novamente ou entre de outra forma.
passkey-sign-up-summary = Criar uma conta com uma chave de acesso
passkey-sign-up-explain = Seu dispositivo salva uma chave de acesso para este site. Depois, enviamos um link e um código por e-mail para você: a conta é criada quando você usa um deles neste navegador.
passkey-sign-up-button = Criar uma chave de acesso
error-passkey = Não foi possível usar essa chave de acesso. Tente novamente ou entre de outra forma.
account-passkeys = Chaves de acesso
account-passkeys-explain = Com uma chave de acesso, você entra usando o bloqueio de tela do seu dispositivo ou uma chave de segurança, sem senha e sem segunda etapa.
account-passkeys-none = Nenhuma chave de acesso por enquanto.
account-passkey-added = Adicionada em { $date }
account-passkey-used = Último uso em { $date }
account-passkey-never-used = Ainda não usada
account-passkey-synced = Sincronizada entre dispositivos
account-passkey-name = Nome
account-passkey-rename = Renomear
account-passkey-delete = Excluir
account-passkey-add = Adicionar uma chave de acesso
notice-passkey-added = Sua chave de acesso foi adicionada.
notice-passkey-renamed = Sua chave de acesso foi renomeada.
notice-passkey-removed = Sua chave de acesso foi excluída.
event-passkey-added = Chave de acesso adicionada
event-passkey-renamed = Chave de acesso renomeada
event-passkey-removed = Chave de acesso excluída

## O aviso de que uma chave de acesso foi adicionada a uma conta

mail-passkey-subject = Uma chave de acesso foi adicionada à sua conta em { $site }
mail-passkey-heading = Uma chave de acesso acabou de ser adicionada à sua conta em { $site }. Com ela, é possível entrar sem sua senha e sem segunda etapa. Se foi você, não é preciso fazer nada. Se não foi, exclua a chave na página da sua conta, altere sua senha e saia de todas as sessões.
mail-passkey-action = Acessar sua conta
account-passkey-sign-in-again = Para adicionar uma chave de acesso, entre novamente primeiro: assim confirmamos que é você.
account-passkey-sign-in-again-link = Entrar novamente
