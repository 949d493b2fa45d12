# authrs: the built-in pages and mails in Arabic.

## كلمات مستخدمة في عدة صفحات

field-email = البريد الإلكتروني
field-password = كلمة المرور
field-name = الاسم
field-username = اسم المستخدم
field-code = الرمز
action-sign-in = تسجيل الدخول
back-to-site = العودة إلى الموقع

## صفحة تسجيل الدخول

sign-in-title = تسجيل الدخول
sign-in-with = تسجيل الدخول باستخدام { $provider }
sign-in-none = لم يتم إعداد أي طريقة لتسجيل الدخول.
sign-in-email-link = إرسال رابط إليّ عبر البريد الإلكتروني
sign-in-or = أو
sign-up-summary = إنشاء حساب
sign-up-button = إنشاء حساب
reset-summary = هل نسيت كلمة المرور؟
reset-button = إرسال رابط إعادة التعيين

notice-account-created = حسابك جاهز. سجّل الدخول باستخدام بريدك الإلكتروني وكلمة المرور.
notice-reset-sent = إذا كان هذا العنوان مرتبطًا بحساب، فقد أُرسل إليه رابط لإعادة تعيين كلمة المرور.
notice-password-changed = تم تغيير كلمة المرور وتسجيل الخروج من جميع الجلسات. سجّل الدخول باستخدام كلمة المرور الجديدة.

error-sign-in-failed = تعذّر تسجيل الدخول. حاول مرة أخرى، أو استخدم حسابًا آخر.
error-account-not-linked = هذا البريد الإلكتروني مرتبط بالفعل بطريقة أخرى لتسجيل الدخول. استخدم الطريقة التي أنشأت بها حسابك.
error-email-not-sent = تعذّر إرسال رسالة تسجيل الدخول.
error-credentials = تعذّر تسجيل الدخول. تحقّق من بياناتك وحاول مرة أخرى. لا يمكن تسجيل الدخول إلى حساب جديد إلا بعد تأكيد بريده الإلكتروني.
error-session-required = يُرجى تسجيل الدخول لعرض هذه الصفحة.
error-csrf = انتهت صلاحية نموذج تسجيل الدخول. يُرجى المحاولة مرة أخرى.
error-invalid-email = عنوان البريد الإلكتروني هذا غير مقبول.
error-password-policy = كلمة المرور هذه قصيرة جدًا أو طويلة جدًا.
error-last-method = هذا الحساب هو طريقتك الوحيدة لتسجيل الدخول، لذا سيبقى مرتبطًا.
error-unable = تعذّر تسجيل الدخول.

## اختيار كلمة مرور جديدة (الصفحة التي يفتحها رابط إعادة التعيين)

reset-title = تعيين كلمة مرور جديدة
reset-new-password = كلمة المرور الجديدة
reset-submit = تعيين كلمة المرور

## صفحة تسجيل الخروج

sign-out-title = تسجيل الخروج
sign-out-question = هل تريد بالتأكيد تسجيل الخروج؟
sign-out-button = تسجيل الخروج

## بعد إرسال رسالة تسجيل الدخول

check-email-title = تحقّق من بريدك الإلكتروني
check-email-with-code = أرسلنا إليك رابطًا لتسجيل الدخول. افتحه، أو أدخل هنا الرمز الوارد في الرسالة.
check-email-link-only = أرسلنا إليك رابطًا لتسجيل الدخول. افتحه على هذا الجهاز للمتابعة.
code-too-many = تم إدخال رموز خاطئة مرات كثيرة جدًا. انتظر بضع دقائق، أو افتح الرابط الوارد في الرسالة.
code-wrong = هذا الرمز غير صحيح. تحقّق منه، أو اطلب رسالة جديدة.

## تأكيد عنوان البريد الإلكتروني لحساب جديد

verify-title = تأكيد البريد الإلكتروني
verify-wrong = هذا الرابط أو الرمز غير صالح. تحقّق منه، أو اطلب رسالة جديدة.
verify-resent = إذا كان هذا العنوان مرتبطًا بحساب في انتظار التأكيد، فقد أُرسلت إليه رسالة جديدة.
verify-explain = أرسلنا إليك رسالة بريد إلكتروني. افتح الرابط الوارد فيها، أو أدخل رمزها هنا. وإلى أن تفعل ذلك، لن تتمكن من تسجيل الدخول بكلمة المرور.
verify-submit = تأكيد
verify-resend = إرسال رسالة جديدة

## الصفحة التي يفتحها الرابط المرسل بالبريد الإلكتروني

confirm-title = تسجيل الدخول إلى { $site }
confirm-continue-as = هل تريد المتابعة باسم { $email }؟

## صفحة الخطأ

error-try-again-in = { $minutes ->
    [one] حاول مرة أخرى بعد دقيقة.
    [two] حاول مرة أخرى بعد دقيقتين.
    [few] حاول مرة أخرى بعد { $minutes } دقائق.
   *[other] حاول مرة أخرى بعد { $minutes } دقيقة.
}
error-configuration-title = خطأ في الخادم
error-configuration = لم يتم إعداد الخادم بشكل صحيح. يمكن لمالك الموقع الاطلاع على التفاصيل في سجلات الخادم.
error-access-denied-title = تم رفض الوصول
error-access-denied = ليس لديك إذن بتسجيل الدخول.
error-verification-title = تعذّر تسجيل الدخول
error-verification = رابط تسجيل الدخول هذا لم يعد صالحًا. ربما استُخدم من قبل، أو انتهت صلاحيته.
error-rate-limited-title = محاولات كثيرة جدًا
error-rate-limited = تم إرسال عدد كبير جدًا من طلبات تسجيل الدخول. يُرجى الانتظار قبل المحاولة مرة أخرى.
error-default-title = حدث خطأ ما
error-default = تعذّر إكمال تسجيل الدخول.

## رسائل البريد الإلكتروني

mail-sign-in-subject = تسجيل الدخول إلى { $site }
mail-sign-in-heading = تسجيل الدخول إلى { $site }
mail-sign-in-action = تسجيل الدخول
mail-reset-subject = إعادة تعيين كلمة المرور على { $site }
mail-reset-heading = إعادة تعيين كلمة المرور على { $site }
mail-reset-action = تعيين كلمة مرور جديدة
mail-verify-subject = تأكيد بريدك الإلكتروني على { $site }
mail-verify-heading = تأكيد بريدك الإلكتروني على { $site }
mail-verify-action = تأكيد بريدي الإلكتروني
mail-exists-subject = حسابك على { $site }
mail-exists-heading = طلب أحدهم إنشاء حساب على { $site } باستخدام هذا العنوان، ولكن يوجد حساب مرتبط به بالفعل. إذا كنت أنت، فسجّل الدخول، أو عيّن كلمة مرور جديدة من هنا
mail-exists-action = تعيين كلمة مرور جديدة
mail-or-code = أو أدخل هذا الرمز في صفحة تسجيل الدخول:
mail-valid-for = { $minutes ->
    [one] صالح للاستخدام مرة واحدة فقط خلال الدقيقة القادمة. إذا لم تطلب هذه الرسالة، فيمكنك تجاهلها.
    [two] صالح للاستخدام مرة واحدة فقط خلال الدقيقتين القادمتين. إذا لم تطلب هذه الرسالة، فيمكنك تجاهلها.
    [few] صالح للاستخدام مرة واحدة فقط خلال { $minutes } دقائق. إذا لم تطلب هذه الرسالة، فيمكنك تجاهلها.
   *[other] صالح للاستخدام مرة واحدة فقط خلال { $minutes } دقيقة. إذا لم تطلب هذه الرسالة، فيمكنك تجاهلها.
}

## الصفحة الرئيسية للخادم

home-signed-in-as = مسجّل الدخول باسم { $name }
home-not-signed-in = لم تسجّل الدخول
home-demo = جرّب الحساب التجريبي: البريد الإلكتروني { $email }، وكلمة المرور في { $file }
home-sign-out = تسجيل الخروج
home-sign-in-as-other = تسجيل الدخول بحساب آخر
home-endpoints = نقاط النهاية

## صفحة الحساب

account-title = حسابك
account-profile = الملف الشخصي
account-name = الاسم
account-image = الصورة (عنوان URL)
account-email-verified = { $email } (مؤكّد)
account-email-unverified = { $email } (لم يتم تأكيده بعد)
account-save = حفظ
account-sessions = الأجهزة التي سجّلت الدخول منها
account-this-device = هذا الجهاز
account-session-started = تم تسجيل الدخول في { $date }
account-session-active = آخر نشاط في { $date }
account-session-network = الشبكة { $network }
account-unknown-device = جهاز غير معروف
account-device = { $browser } على { $system }
account-revoke = تسجيل الخروج
account-revoke-others = تسجيل الخروج من جميع الجلسات الأخرى
account-jwt-sessions = تُحفظ جلستك في متصفحك. سجّل الخروج من جميع الجلسات لإنهائها كلها، بما فيها هذه الجلسة.
account-sign-out-everywhere = تسجيل الخروج من جميع الجلسات
account-methods = طرق تسجيل الدخول
account-password = كلمة المرور
account-current-password = كلمة المرور الحالية
account-new-password = كلمة المرور الجديدة
account-change-password = تغيير كلمة المرور
account-set-password = إرسال رابط إليّ عبر البريد الإلكتروني لتعيين كلمة مرور
account-no-password = ليست لديك كلمة مرور بعد.
account-linked = الحسابات المرتبطة
account-unlink = إلغاء الربط
account-link = ربط { $provider }
account-none-linked = لا توجد حسابات مرتبطة.
account-danger = حذف حسابك
account-delete-explain = يؤدي هذا إلى حذف حسابك وجميع جلساتك وجميع طرق تسجيل الدخول المرتبطة به. ولا يمكن التراجع عن ذلك.
account-delete-password = أدخل كلمة المرور للتأكيد.
account-delete-code = أدخل الرمز الذي أرسلناه إليك عبر البريد الإلكتروني للتأكيد.
account-delete-send-code = إرسال رمز إليّ عبر البريد الإلكتروني
account-delete-button = حذف حسابي
account-delete-unavailable = لا يمكن حذف هذا الحساب من هنا: ليست له كلمة مرور، ولا يرسل الموقع رسائل بريد إلكتروني. تواصل مع مالك الموقع.
account-sign-out = تسجيل الخروج
account-activity = النشاط الأمني الأخير
account-activity-explain = عمليات تسجيل الدخول، والتغييرات على طرق تسجيل الدخول، والجلسات المنتهية. إذا لم تتعرّف على أي منها، فغيّر كلمة المرور وسجّل الخروج من جميع الجلسات.
account-activity-none = لا يوجد نشاط بعد.
account-activity-with = باستخدام { $provider }
event-sign-in = تم تسجيل الدخول
event-sign-in-failed = محاولة تسجيل دخول فاشلة
event-sign-out = تم تسجيل الخروج
event-account-created = تم إنشاء الحساب
event-email-verified = تم تأكيد البريد الإلكتروني
event-password-changed = تم تغيير كلمة المرور
event-password-reset = تم تعيين كلمة المرور باستخدام رابط مرسل عبر البريد الإلكتروني
event-proof-failed = كلمة مرور أو رمز خاطئ عند تأكيد تغيير
event-account-linked = تم ربط حساب
event-account-unlinked = تم إلغاء ربط حساب
event-session-revoked = تم تسجيل الخروج من إحدى الجلسات
event-other-sessions-revoked = تم تسجيل الخروج من جميع الجلسات الأخرى
event-signed-out-everywhere = تم تسجيل الخروج من جميع الجلسات
event-profile-updated = تم تغيير الملف الشخصي
event-deletion-requested = تم إرسال رمز حذف الحساب عبر البريد الإلكتروني
event-account-deleted = تم حذف الحساب
event-two-factor-enabled = تم تفعيل التحقق بخطوتين
event-two-factor-disabled = تم إيقاف التحقق بخطوتين
event-recovery-codes-regenerated = تم إنشاء رموز استرداد جديدة
event-recovery-code-used = تم استخدام رمز استرداد
account-two-factor = التحقق بخطوتين
account-two-factor-on = مفعّل. { $left ->
    [zero] لم يتبقَّ لديك أي رمز استرداد.
    [one] يتبقى لديك رمز استرداد واحد.
    [two] يتبقى لديك رمزا استرداد.
    [few] يتبقى لديك { $left } رموز استرداد.
    [many] يتبقى لديك { $left } رمزًا للاسترداد.
   *[other] يتبقى لديك { $left } رمز استرداد.
}
account-two-factor-off = غير مفعّل. أضف رمزًا من تطبيق المصادقة إلى كل عملية تسجيل دخول.
account-two-factor-required = يطلب هذا الموقع من الجميع خطوة تحقق ثانية.
account-two-factor-set-up = إعداد التحقق بخطوتين
account-two-factor-proof = أدخل رمزًا حاليًا أو كلمة المرور لتغيير هذا الإعداد.
account-two-factor-disable = إيقاف
account-two-factor-new-codes = إنشاء رموز استرداد جديدة
notice-two-factor-disabled = تم إيقاف التحقق بخطوتين.

## التحقق بخطوتين (رمز من تطبيق المصادقة بعد كلمة المرور أو الرابط أو مزوّد تسجيل الدخول)

two-factor-title = التحقق بخطوتين
two-factor-enter-code = أدخل الرمز المكوّن من 6 أرقام من تطبيق المصادقة.
two-factor-required-enrol = يطلب هذا الموقع خطوة تحقق ثانية عند كل تسجيل دخول. قم بإعداد تطبيق المصادقة للمتابعة.
two-factor-scan = امسح هذا الرمز ضوئيًا باستخدام تطبيق المصادقة.
two-factor-qr = رمز QR لتطبيق المصادقة
two-factor-or-type = أو أدخل هذا المفتاح في التطبيق:
two-factor-code = الرمز
two-factor-use-recovery = استخدام رمز استرداد بدلاً من ذلك
two-factor-recovery-code = رمز الاسترداد
two-factor-remember = { $days ->
    [one] تذكّر هذا الجهاز لمدة يوم واحد
    [two] تذكّر هذا الجهاز لمدة يومين
    [few] تذكّر هذا الجهاز لمدة { $days } أيام
    [many] تذكّر هذا الجهاز لمدة { $days } يومًا
   *[other] تذكّر هذا الجهاز لمدة { $days } يوم
}
two-factor-verify = متابعة
two-factor-start-over = البدء من جديد
two-factor-wrong = هذا الرمز غير صحيح. تحقّق منه وحاول مرة أخرى.
two-factor-setup-title = إعداد التحقق بخطوتين
two-factor-confirm-code = أدخل الرمز الذي يعرضه التطبيق للتأكيد
two-factor-turn-on = تفعيل
two-factor-cancel = إلغاء
two-factor-codes-title = رموز الاسترداد الخاصة بك
two-factor-codes-explain = يتيح لك كل رمز تسجيل الدخول مرة واحدة إذا فقدت تطبيق المصادقة. احتفظ بالرموز في مكان آمن، فلن تظهر إلا الآن.
two-factor-codes-saved = لقد حفظتها
notice-profile-saved = تم حفظ ملفك الشخصي.
notice-session-revoked = تم تسجيل الخروج من تلك الجلسة.
notice-others-revoked = تم تسجيل الخروج من جميع الجلسات الأخرى.
notice-delete-code-sent = أرسلنا إليك رمزًا عبر البريد الإلكتروني. وهو صالح للاستخدام مرة واحدة فقط خلال بضع دقائق.
notice-password-link-sent = أرسلنا إليك رابطًا عبر البريد الإلكتروني لتعيين كلمة مرور.
error-invalid-profile = الاسم أو الصورة غير مقبولين. يجب أن تكون الصورة عنوانًا يبدأ بـ https://.
error-wrong-proof = ما أدخلته غير مطابق. تحقّق منه وحاول مرة أخرى.
error-unknown-session = هذه الجلسة ليست لك، أو انتهت بالفعل.
error-sessions-not-listed = تُحفظ الجلسات هنا في المتصفحات، لذا لا تظهر في قائمة. يؤدي «تسجيل الخروج من جميع الجلسات» إلى إنهائها جميعًا.

## رسالة تأكيد حذف الحساب

mail-delete-subject = تأكيد حذف حسابك على { $site }
mail-delete-heading = طلب أحدهم حذف حسابك على { $site }. إذا كنت أنت، فأدخل الرمز أدناه في صفحة حسابك. وإن لم تكن أنت، فغيّر كلمة المرور.
mail-delete-action = فتح صفحة حسابك
mail-delete-code = رمز صفحة حسابك:

## إشعار بتغيير التحقق بخطوتين في الحساب

mail-two-factor-subject = تم تغيير التحقق بخطوتين لحسابك على { $site }
mail-two-factor-heading = تم للتو تغيير التحقق بخطوتين لحسابك على { $site }: فقد تم تفعيله أو إيقافه، أو تم إنشاء رموز استرداد جديدة. إذا كنت أنت، فلا داعي لفعل أي شيء. وإن لم تكن أنت، فغيّر كلمة المرور وسجّل الخروج من جميع الجلسات.
mail-two-factor-action = فتح صفحة حسابك

## مفاتيح المرور: صفحة تسجيل الدخول وصفحة الحساب والإشعارات المتعلقة بهما

passkey-sign-in = تسجيل الدخول باستخدام مفتاح مرور
passkey-failed = تعذّر استخدام مفتاح المرور. حاول مرة أخرى، أو سجّل الدخول بطريقة أخرى.
passkey-sign-up-summary = إنشاء حساب باستخدام مفتاح مرور
passkey-sign-up-explain = يحفظ جهازك مفتاح مرور لهذا الموقع. بعد ذلك نرسل إليك رابطًا ورمزًا عبر البريد الإلكتروني: يُنشأ الحساب عندما تستخدم أحدهما في هذا المتصفح.
passkey-sign-up-button = إنشاء مفتاح مرور
error-passkey = تعذّر استخدام مفتاح المرور هذا. حاول مرة أخرى، أو سجّل الدخول بطريقة أخرى.
account-passkeys = مفاتيح المرور
account-passkeys-explain = يتيح لك مفتاح المرور تسجيل الدخول باستخدام قفل شاشة جهازك أو مفتاح أمان، دون كلمة مرور ودون خطوة تحقق ثانية.
account-passkeys-none = لا توجد مفاتيح مرور بعد.
account-passkey-added = تمت الإضافة في { $date }
account-passkey-used = آخر استخدام في { $date }
account-passkey-never-used = لم يُستخدم بعد
account-passkey-synced = تتم مزامنته بين الأجهزة
account-passkey-name = الاسم
account-passkey-rename = إعادة التسمية
account-passkey-delete = حذف
account-passkey-add = إضافة مفتاح مرور
notice-passkey-added = تمت إضافة مفتاح المرور.
notice-passkey-renamed = تمت إعادة تسمية مفتاح المرور.
notice-passkey-removed = تم حذف مفتاح المرور.
event-passkey-added = تمت إضافة مفتاح مرور
event-passkey-renamed = تمت إعادة تسمية مفتاح مرور
event-passkey-removed = تم حذف مفتاح مرور

## إشعار بإضافة مفتاح مرور إلى الحساب

mail-passkey-subject = تمت إضافة مفتاح مرور إلى حسابك على { $site }
mail-passkey-heading = تمت للتو إضافة مفتاح مرور إلى حسابك على { $site }. يتيح هذا المفتاح تسجيل الدخول دون كلمة المرور ودون خطوة تحقق ثانية. إذا كنت أنت، فلا داعي لفعل أي شيء. وإن لم تكن أنت، فاحذفه من صفحة حسابك، وغيّر كلمة المرور، وسجّل الخروج من جميع الجلسات.
mail-passkey-action = فتح صفحة حسابك
account-passkey-sign-in-again = لإضافة مفتاح مرور، سجّل الدخول مرة أخرى أولًا: فهذا يثبت أنك أنت.
account-passkey-sign-in-again-link = تسجيل الدخول مرة أخرى
