// French strings of the drop-in pages: the keys and placeholders of en.ts.
import type { MessageKey } from './en.js'

export const FR: Record<MessageKey, string> = {
  'common.errorSummary': 'Il y a un problème',
  'common.offline': 'Mode hors ligne : rien n’est vraiment envoyé.',
  'common.mailboxLink': 'Lire votre code dans la boîte de développement',
  'common.startOver': 'Recommencer',
  'common.backToSignIn': 'Retour à la connexion',
  'signIn.title': 'Se connecter',
  'signIn.intro':
    'Saisissez votre adresse e-mail professionnelle. Nous vous enverrons un code de connexion.',
  'signIn.emailLabel': 'E-mail professionnel',
  'signIn.submit': 'M’envoyer un code',
  'signIn.signedInAs': 'Vous êtes connecté en tant que {email}.',
  'signIn.continue': 'Continuer',
  'notice.signedOut': 'Vous avez été déconnecté.',
  'notice.expired': 'Votre session a expiré. Reconnectez-vous.',
  'notice.restart': 'Votre connexion a été interrompue ou a pris trop de temps. Recommencez.',
  'code.title': 'Consultez vos e-mails',
  'code.intro':
    'Si {email} peut se connecter, nous lui avons envoyé un code à 6 chiffres. Il expire dans quelques minutes.',
  'code.label': 'Code',
  'code.submit': 'Continuer',
  'code.otherEmail': 'Utiliser une autre adresse e-mail',
  'organizations.title': 'Choisissez une organisation',
  'organizations.intro': 'E-mail vérifié : {email}. Où voulez-vous aller ?',
  'organizations.none':
    '{email} n’appartient encore à aucune organisation. Créez-en une ci-dessous.',
  'organizations.enter': 'Continuer',
  'organizations.join': 'Rejoindre',
  'organizations.current': 'Organisation actuelle',
  'organizations.createTitle': 'Créer une organisation',
  'organizations.nameLabel': 'Nom de l’organisation',
  'organizations.slugLabel': 'Nom court (facultatif)',
  'organizations.slugHint':
    'Lettres, chiffres et - . _ ~ uniquement. Laissez vide pour le déduire du nom.',
  'organizations.createSubmit': 'Créer l’organisation',
  'membership.active_member': 'Vous êtes membre',
  'membership.pending_member': 'Adhésion en attente : continuer l’active',
  'membership.invited_member': 'Vous êtes invité : continuer accepte l’invitation',
  'membership.eligible_to_join_by_email_domain':
    'Vous pouvez rejoindre grâce au domaine de votre e-mail',
  'membership.eligible_to_join_by_oauth_tenant':
    'Vous pouvez rejoindre avec le compte de votre entreprise',
  'membership.other': 'Disponible pour vous',
  'switch.title': 'Changer d’organisation',
  'switch.intro': 'Vous êtes connecté en tant que {email} dans {organization}.',
  'switch.submit': 'Changer',
  'switch.none': 'Vous n’êtes membre d’aucune autre organisation.',
  'signOut.title': 'Se déconnecter',
  'signOut.intro': 'Vous êtes connecté en tant que {email}.',
  'signOut.submit': 'Se déconnecter',
  'signOut.notSignedIn': 'Vous n’êtes pas connecté.',
  'mfa.title': 'Encore une étape',
  'mfa.intro': 'Cette organisation demande une deuxième étape. Choisissez-en une.',
  'mfa.smsHeading': 'SMS',
  'mfa.smsTo': 'Nous pouvons envoyer un code à 6 chiffres par SMS au {phone}.',
  'mfa.smsSend': 'M’envoyer un code par SMS',
  'mfa.phoneLabel': 'Numéro de mobile',
  'mfa.phoneHint':
    'Format international : + puis l’indicatif du pays et le numéro, par exemple +15555550123.',
  'mfa.totpHeading': 'Application d’authentification',
  'mfa.totpUse': 'Saisir un code de votre application d’authentification',
  'mfa.totpSetupIntro': 'Utilisez une application comme 1Password, Google Authenticator ou Authy.',
  'mfa.totpSetup': 'Configurer une application d’authentification',
  'mfa.recoveryUse': 'Utiliser un code de récupération',
  'mfa.otherMethod': 'Utiliser une autre méthode',
  'sms.title': 'Consultez votre téléphone',
  'sms.intro':
    'Nous avons envoyé un code à 6 chiffres au {phone}. Il expire dans quelques minutes.',
  'sms.label': 'Code reçu par SMS',
  'sms.submit': 'Vérifier',
  'sms.resend': 'Envoyer un nouveau code',
  'totp.title': 'Saisissez votre code d’authentification',
  'totp.intro':
    'Saisissez le code à 6 chiffres affiché maintenant par votre application d’authentification.',
  'totp.label': 'Code d’authentification',
  'totp.submit': 'Vérifier',
  'enrol.title': 'Configurez votre application d’authentification',
  'enrol.scan': '1. Scannez ce code QR avec votre application d’authentification.',
  'enrol.qrAlt': 'Code QR pour votre application d’authentification',
  'enrol.key': 'Impossible de le scanner ? Saisissez plutôt cette clé dans l’application :',
  'enrol.recovery':
    '2. Conservez ces codes de récupération en lieu sûr, par exemple dans un gestionnaire de mots de passe. Chacun permet de vous connecter une fois si vous perdez votre téléphone. Ils ne sont affichés que maintenant.',
  'enrol.code': '3. Saisissez le code à 6 chiffres affiché par l’application.',
  'recovery.title': 'Utiliser un code de récupération',
  'recovery.intro': 'Chaque code de récupération permet de se connecter une fois.',
  'recovery.label': 'Code de récupération',
  'recovery.submit': 'Se connecter',
  'mailbox.title': 'Boîte de développement',
  'mailbox.intro':
    'Le serveur Stytch local n’envoie ni e-mail ni SMS : voici les codes qu’il aurait envoyés, du plus récent au plus ancien. Cette page n’existe que sans identifiants Stytch.',
  'mailbox.empty': 'Aucun code envoyé pour l’instant.',
  'mailbox.to': 'Destinataire',
  'mailbox.code': 'Code',
  'mailbox.kind': 'Type',
  'mailbox.sent': 'Envoyé',
  'mailbox.foreignHost': 'Cette page n’est servie que sous le nom d’hôte de l’application.',
  'invalid.email_address': 'Saisissez une adresse e-mail comme nom@entreprise.com.',
  'invalid.code': 'Saisissez les 6 chiffres du code.',
  'invalid.organization_id': 'Choisissez une organisation dans la liste.',
  'invalid.organization_name': 'Saisissez un nom de 1 à 128 caractères.',
  'invalid.organization_slug':
    'Utilisez de 2 à 128 lettres, chiffres ou - . _ ~ (sans commencer par "organization-").',
  'invalid.mfa_phone_number':
    'Saisissez le numéro au format international, par exemple +15555550123.',
  'invalid.recovery_code': 'Saisissez un code de récupération comme abcd-1234-efgh.',
  'error.ERR_OTP_INVALID': 'Ce code n’est pas le bon. Vérifiez le dernier code reçu et réessayez.',
  'error.ERR_OTP_EXPIRED': 'Ce code a expiré ou a déjà été utilisé. Demandez un nouveau code.',
  'error.ERR_ACCOUNT_LOCKED':
    'Trop de codes erronés : la connexion est suspendue un moment pour protéger le compte. Réessayez plus tard.',
  'error.ERR_RATE_LIMITED': 'Trop de tentatives. Attendez une minute, puis réessayez.',
  'error.ERR_STYTCH_UNAVAILABLE':
    'La connexion est indisponible pour le moment. Réessayez dans un instant.',
  'error.ERR_STYTCH_API': 'Le service de connexion a refusé la demande. Recommencez.',
  'error.ERR_INTERMEDIATE_SESSION_MISSING':
    'Cette étape de connexion a expiré. Recommencez avec votre adresse e-mail.',
  'error.ERR_INTERMEDIATE_SESSION_INVALID':
    'Cette étape de connexion a expiré. Recommencez avec votre adresse e-mail.',
  'error.ERR_INVALID_INPUT': 'Un élément du formulaire n’a pas le format attendu.',
  'error.ERR_BODY_TOO_LARGE': 'Le formulaire était trop volumineux.',
  'error.ERR_BODY_TIMEOUT': 'Le formulaire a mis trop de temps à arriver. Réessayez.',
  'error.ERR_ORGANIZATION_SLUG_TAKEN':
    'Une autre organisation utilise déjà ce nom court. Choisissez-en un autre.',
  'error.ERR_ORGANIZATION_NOT_FOUND': 'Nous n’avons pas trouvé cette organisation.',
  'error.ERR_ORGANIZATION_FORBIDDEN':
    'Votre adresse e-mail ne peut pas rejoindre cette organisation.',
  'error.ERR_TOTP_ALREADY_REGISTERED':
    'Vous avez déjà une application d’authentification. Saisissez un code de celle-ci.',
  'error.ERR_SESSION_MISSING': 'Connectez-vous pour continuer.',
  'error.ERR_SESSION_EXPIRED': 'Votre session a expiré. Reconnectez-vous.',
  'error.ERR_SESSION_INVALID': 'Votre session n’est pas valide. Reconnectez-vous.',
  'error.ERR_CSRF_REJECTED':
    'Ce formulaire a été envoyé depuis un autre site et a donc été refusé. Revenez en arrière, rechargez la page et réessayez.',
  'error.primaryRequired':
    'Cette organisation exige une méthode de connexion que ces pages ne proposent pas, comme l’authentification unique.',
  'error.unknown': 'Une erreur s’est produite. Réessayez.',
}
