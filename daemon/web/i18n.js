// @ts-check
// The pages' words in English and French. The language comes from the server (Accept-Language),
// and the customer can switch; the choice is remembered in this browser.

import { byId, translatePage } from './dom.js';

/** @typedef {'en' | 'fr'} Language */

const strings = {
  en: {
    'app.name': 'Video call',
    'app.logo': 'Logo',
    'lang.switch': 'Français',
    'unsupported.title': 'This browser cannot make video calls',
    'unsupported.text': 'Please open the link in a recent version of Chrome, Firefox, Safari or Edge.',
    'refused.invalid_token.title': 'This link is not valid',
    'refused.invalid_token.text': 'Check that you opened the whole link from your message, or ask for a new one.',
    'refused.too_early.title': 'It is a bit early',
    'refused.too_early.text': 'This link works from {time}. Please come back then.',
    'refused.link_expired.title': 'This link has expired',
    'refused.link_expired.text': 'The time for this appointment has passed. Ask for a new link if you still need help.',
    'refused.appointment_closed.title': 'This appointment is over',
    'refused.appointment_closed.text': 'It was cancelled or has already ended. Ask for a new link if you still need help.',
    'consent.greeting': 'Hello {name}',
    'consent.when': 'Your video call is at {time}.',
    'consent.intro': 'Before joining, please read and accept the terms below. Your camera and microphone are only used during the call.',
    'consent.terms': 'Terms of use',
    'consent.privacy': 'Privacy',
    'consent.recording_possible': 'Recording: the specialist may record this call. You will see it on your screen while it is recorded.',
    'consent.recording_always': 'Recording: this call is recorded. You will see it on your screen while it is recorded.',
    'consent.recording_asked': 'Recording: the specialist may ask to record this call. Nothing is recorded unless you agree.',
    'consent.default_terms': 'The call is between you and our specialist. Do not share information you do not want to share. You can leave at any time.',
    'consent.default_privacy': 'Your audio and video go through our server to the specialist. We keep a record of when the call took place; nothing else is kept unless you are told so during the call.',
    'consent.accept': 'I accept the terms of use and the privacy notice',
    'consent.continue': 'Continue',
    'preview.title': 'Check your camera and microphone',
    'preview.camera': 'Camera',
    'preview.microphone': 'Microphone',
    'preview.join': 'Join the call',
    'preview.level': 'Microphone level (speak to see it move)',
    'preview.speaker_test': 'Play a test sound',
    'preview.speaker_playing': 'Playing… Can you hear two notes?',
    'preview.speaker_done': 'If you heard nothing, turn the volume up or choose another speaker in your device settings.',
    'preview.speaker_failed': 'This browser cannot play the test sound.',
    'preview.join_muted': 'Join with my microphone off',
    'preview.join_camera_off': 'Join with my camera off',
    'preview.sound_only': 'No camera found: you will join with sound only.',
    'preview.missing': 'No camera or microphone was found. Plug one in or switch it on, then try again.',
    'preview.busy': 'Another app is using your camera or microphone. Close it (another video call, for example), then try again.',
    'preview.blocked.chrome': 'Your browser blocks the camera or microphone. Click the camera icon at the right of the address bar, choose “Always allow”, then try again.',
    'preview.blocked.firefox': 'Firefox blocks the camera or microphone. Click the crossed-out camera icon at the left of the address bar, remove the block, then try again.',
    'preview.blocked.safari': 'Safari blocks the camera or microphone. In the Safari menu, open “Settings for This Website”, set Camera and Microphone to Allow, then try again.',
    'preview.blocked.ios': 'The camera or microphone is blocked. Tap “aA” in the address bar, then “Website Settings”, allow Camera and Microphone, then try again. If they are not listed, open Settings › Safari › Camera (and Microphone) and choose Ask.',
    'preview.blocked.android': 'The camera or microphone is blocked. Tap the icon at the left of the address, then “Permissions”, allow Camera and Microphone, then try again.',
    'preview.blocked.other': 'Your camera or microphone is blocked. Allow access in your browser settings, then try again.',
    'preview.retry': 'Try again',
    'call.waiting': 'Waiting for the other person to join…',
    'call.connected': 'Connected',
    'call.reconnecting': 'Connection lost. Reconnecting…',
    'call.restarting': 'Reconnecting the video…',
    'call.heading': 'Video call',
    'call.mute': 'Mute',
    'call.muted': 'Muted',
    'call.duration': 'Call time {time}',
    'call.partner_reconnecting': '{name} lost the connection. Reconnecting… {time}',
    'call.partner_left': '{name} left the call',
    'call.camera_is_off': '{name} turned the camera off',
    'call.unmute': 'Unmute',
    'call.camera_off': 'Camera off',
    'call.camera_on': 'Camera on',
    'call.share_screen': 'Share screen',
    'call.stop_sharing': 'Stop sharing',
    'call.sharing': 'You are sharing your screen',
    'call.hang_up': 'Hang up',
    'call.end_for_all': 'End for all',
    'console.recordings': 'Recordings ({count})',
    'recordings.title': 'Recordings of the call with {name}',
    'recordings.none': 'This call has no recordings.',
    'recordings.who': '{name} ({role})',
    'recordings.role_customer': 'customer',
    'recordings.role_specialist': 'specialist',
    'recordings.role_supervisor': 'supervisor',
    'recordings.state_recording': 'being recorded',
    'recordings.state_complete': 'complete',
    'recordings.state_interrupted': 'interrupted (the server stopped)',
    'recordings.state_failed': 'failed (could not be saved)',
    'recordings.download': 'Download',
    'console.photos': 'Photos ({count})',
    'photos.title': 'Photos of the call with {name}',
    'photos.none': 'No photo was taken in this call.',
    'photos.alt': 'Photo {number} of {name}’s camera',
    'photos.source_device': 'taken by the customer’s device',
    'photos.source_server': 'taken from the video',
    'photos.download': 'Download',
    'recordings.close': 'Close',
    'call.record': 'Record',
    'call.stop_recording': 'Stop recording',
    'call.recording': 'This call is being recorded',
    'call.recording_by': 'This call is being recorded (started by {name})',
    'call.recording_failed': 'Recording stopped: it could not be saved',
    'call.consent_ask': '{name} would like to record this call.',
    'call.consent_ask_server': 'This call is recorded if you agree.',
    'call.consent_allow': 'Allow recording',
    'call.consent_refuse': 'Do not record',
    'call.consent_waiting': 'Waiting for the customer to agree to recording',
    'call.consent_refused': 'The customer declined recording',
    'call.photo': 'Photo',
    'call.photos': 'Photos of this call',
    'call.photo_taking': 'Taking a photo…',
    'call.photo_taken': 'Photo taken',
    'call.photo_failed': 'The photo could not be taken',
    'call.photo_customer_left': 'The customer left before the photo was taken',
    'call.photo_camera_off': 'The customer’s camera is off: no photo was taken',
    'call.photo_requested': 'The specialist is taking a photo with your camera',
    'call.photo_taken_customer': 'The specialist took a photo with your camera',
    'call.photo_alt': 'Photo {number}: {width} × {height}, {source}',
    'call.photo_from_camera': 'from the customer’s camera',
    'call.photo_from_video': 'from the video',
    'guide.open': 'Guide',
    'guide.open_customer': 'Tools',
    'guide.tools': 'Guidance tools',
    'guide.pointer': 'Pointer',
    'guide.tool_freehand': 'Pen',
    'guide.tool_arrow': 'Arrow',
    'guide.tool_circle': 'Circle',
    'guide.tool_rectangle': 'Rectangle',
    'guide.tool_text': 'Text',
    'guide.colour_red': 'Red',
    'guide.colour_yellow': 'Yellow',
    'guide.colour_blue': 'Blue',
    'guide.colour_white': 'White',
    'guide.text_placeholder': 'Text to place',
    'guide.text_label': 'Text to place on the picture',
    'guide.text_first': 'Type the text first, then tap the picture',
    'guide.undo': 'Undo',
    'guide.clear': 'Clear',
    'guide.freeze': 'Freeze',
    'guide.unfreeze': 'Back to live',
    'guide.save': 'Save drawing',
    'guide.freezing': 'Freezing the picture…',
    'guide.frozen': 'Picture frozen: draw on it',
    'guide.frozen_customer': 'The specialist froze your picture to draw on it',
    'guide.frozen_alt': 'Frozen picture of the customer’s camera',
    'guide.freeze_camera_off': 'The customer’s camera is off: nothing to freeze',
    'guide.freeze_failed': 'The picture could not be frozen',
    'guide.saved': 'Drawing saved with the photos',
    'guide.save_failed': 'The drawing could not be saved',
    'camera.flip': 'Switch camera',
    'camera.torch': 'Flashlight',
    'camera.zoom_in': 'Zoom in',
    'camera.zoom_out': 'Zoom out',
    'camera.zoom': 'Zoom {zoom}',
    'camera.factor': '{factor}×',
    'camera.factor_digital': '{factor}× (digital)',
    'camera.allow': 'Let the specialist control my camera (switch, flashlight, zoom)',
    'camera.why_unknown': 'Waiting for the customer’s camera.',
    'camera.why_refused': 'The customer does not allow camera control.',
    'camera.why_no_flip': 'Only one camera on this device.',
    'camera.why_no_torch': 'No flashlight on this camera.',
    'camera.why_no_zoom': 'This camera cannot zoom.',
    'camera.why_failed': 'The last change failed on the customer’s device.',
    'camera.flipped': '{name} switched your camera',
    'camera.torch_on': '{name} turned on your flashlight',
    'camera.torch_off': '{name} turned off your flashlight',
    'camera.zoomed': '{name} zoomed your camera to {zoom}',
    'camera.unzoomed': '{name} zoomed your camera back out',
    'location.ask': 'Location',
    'location.reason': 'Why (the customer reads it)',
    'location.reason_label': 'Why you ask for the customer’s location (they read it before deciding)',
    'location.asking': 'Asking the customer for their location…',
    'location.prompt': '{name} asks where you are. Share your location?',
    'location.prompt_reason': '{name} asks where you are: “{reason}”. Share your location?',
    'location.share': 'Share my location',
    'location.decline': 'Don’t share',
    'location.shared_customer': 'Your location was shared',
    'location.declined_customer': 'Your location was not shared',
    'location.list': 'Customer locations',
    'location.shared': '{name}: {lat}, {lon} (within {accuracy} m)',
    'location.map': 'Open map',
    'location.denied': '{name} did not share their location',
    'location.unavailable': '{name}’s device could not find their location',
    'location.timeout': '{name}’s device took too long to find their location',
    'location.unsupported': '{name}’s browser cannot share a location',
    'location.customer_left': 'The customer left before answering',
    'call.tap_for_sound': 'Tap to turn the sound on',
    'call.own_camera_off': 'Your camera is off',
    'call.quality_good': 'Your connection: good',
    'call.quality_fair': 'Your connection: fair',
    'call.quality_poor': 'Your connection: poor',
    'call.quality_figures': 'Round trip {rtt} ms · {loss} % lost · {kbps} kb/s received',
    'call.partner_quality_good': 'Good connection',
    'call.partner_quality_fair': 'Fair connection',
    'call.partner_quality_poor': 'Poor connection',
    'ended.title': 'The call has ended',
    'ended.text': 'Thank you. You can close this page.',
    'ended.declined.title': 'The specialist cannot take your call',
    'ended.declined.text': 'Sorry, your call cannot be taken now. You can close this page.',
    'ended.queue_closed.title': 'The waiting line has closed',
    'ended.queue_closed.text': 'Sorry, we cannot take more calls now. Please come back later.',
    'waiting.title': 'You are in the waiting room',
    'waiting.host_company': '{name} from {company} will see you.',
    'waiting.host': '{name} will see you.',
    'waiting.company': 'A specialist from {company} will see you.',
    'waiting.next': 'You are next in line.',
    'waiting.position': 'You are number {position} in line.',
    'waiting.estimate': 'Estimated wait: about {minutes} min.',
    'waiting.estimate_unknown': 'Estimated wait: unknown for now.',
    'waiting.since': 'Waiting for {time}',
    'waiting.keep_open': 'Keep this page open: the call starts by itself when the specialist lets you in.',
    'queue.loading': 'Loading…',
    'queue.intro': 'Tell us who you are and a specialist will take your video call. You wait in line on the next page.',
    'queue.name': 'Your name',
    'queue.phone': 'Mobile number (optional)',
    'queue.phone_hint': 'With the country code, e.g. +44 7700 900123',
    'queue.email': 'Email (optional)',
    'queue.reason': 'What do you need help with? (optional)',
    'queue.submit': 'Join the waiting line',
    'queue.sending': 'Joining…',
    'queue.error.missing_field': 'Please fill this in.',
    'queue.error.invalid_value': 'Please fill this in.',
    'queue.error.invalid_phone': 'Enter the number with its country code, e.g. +44 7700 900123.',
    'queue.error.invalid_email': 'This is not an email address.',
    'queue.error.too_long': 'This is too long.',
    'queue.error.field': 'Please check this.',
    'queue.error.general': 'Something went wrong. Please try again.',
    'queue.error.network': 'The connection failed. Please try again.',
    'queue.error.too_many_entries': 'You have joined a line several times in a short while. Please wait a few minutes, then try again.',
    'queue.unknown.title': 'This waiting line does not exist',
    'queue.unknown.text': 'Check that you opened the whole link, or ask for a new one.',
    'queue.closed.title': 'This line is closed for now',
    'queue.outside_hours.title': 'This line is closed at this time',
    'queue.full.title': 'This line is full right now',
    'queue.full.text': 'Many people are waiting already. Please try again in a few minutes.',
    'queue.next_opening': 'It opens again on {time}.',
    'queue.later': 'Please come back later.',
    'queue.retry': 'Try again',
    'left.title': 'You left the call',
    'left.text': 'You can join again while the appointment lasts.',
    'left.rejoin': 'Join again',
    'refused.replaced.title': 'The call continues on another device',
    'refused.replaced.text': 'This link was opened somewhere else, so this page stopped.',
    'failed.title': 'The call could not continue',
    'chat.open': 'Chat',
    'chat.unread': '{n} unread',
    'chat.title': 'Chat',
    'chat.close': 'Close the chat',
    'chat.you': 'You',
    'chat.empty': 'No messages yet. Messages are kept with the appointment.',
    'chat.input_label': 'Message',
    'chat.placeholder': 'Write a message…',
    'chat.hint': 'Enter sends, Shift+Enter starts a new line.',
    'chat.send': 'Send',
    'chat.attach': 'Attach a file',
    'chat.drop': 'Drop files here to send them',
    'chat.left': '{n} characters left',
    'chat.over': '{n} characters too many',
    'chat.typing_one': '{name} is typing…',
    'chat.typing_many': '{names} are typing…',
    'chat.announce': 'New message from {name}',
    'chat.rate_limited': 'You are sending messages very quickly. Please wait a moment, then send again.',
    'chat.too_long': 'This message is too long: please keep it to 2000 characters.',
    'chat.not_stored': 'Your message could not be sent because of a problem on the server. It is still here: send it again.',
    'chat.not_connected': 'The call is reconnecting; your message is still here. Send it again in a moment.',
    'file.download': 'Download',
    'file.uploading': 'Sending {name}',
    'file.cancel': 'Cancel',
    'file.too_large': '“{name}” is too large to send.',
    'file.type_refused': '“{name}” cannot be sent: this type of file is not accepted.',
    'file.unavailable': 'Sending files is not available here yet.',
    'file.failed': '“{name}” could not be sent: {reason}',
    'file.network': 'the connection was lost.',
    'file.download_failed': '“{name}” could not be downloaded. Please try again.',
    'console.sign_in': 'Sign in',
    'console.sign_out': 'Sign out',
    'console.username': 'Username',
    'console.password': 'Password',
    'console.new.title': 'New on-demand call',
    'console.new.name': 'Customer name',
    'console.new.phone': 'Mobile (optional)',
    'console.new.email': 'Email (optional)',
    'console.new.create': 'Create and get the link',
    'console.new.link': 'Link for the customer',
    'console.copy_link': 'Copy link',
    'console.copied': 'Copied',
    'console.copy_failed': 'Copy failed: select the link',
    'problem.invalid_credentials': 'Wrong username or password.',
    'problem.invalid_phone': 'This mobile number cannot be used. Write it as on a business card, such as 06 12 34 56 78 or +44 7700 900123.',
    'problem.invalid_email': 'This email address does not look right.',
    'problem.missing_field': 'Please fill in the required fields.',
    'problem.too_long': 'One of the fields is too long.',
    'problem.invalid_timezone': 'This time zone is not known.',
    'problem.country_not_allowed': 'Text messages cannot be sent to this country.',
    'problem.csrf_failed': 'Your session has expired: sign in again.',
    'problem.appointment_closed': 'This appointment is over: it can no longer be joined.',
    'problem.server': 'Something went wrong on the server. Try again in a moment.',
    'problem.network': 'The server cannot be reached. Check your connection and try again.',
    'console.today': 'Today',
    'console.upcoming': 'Upcoming',
    'console.past': 'Past',
    'console.views': 'Which appointments',
    'console.day': 'Day',
    'console.search': 'Search a name, phone or email',
    'console.times_in': 'Times in {zone}.',
    'console.no_match': 'No appointment matches “{query}”.',
    'console.none_upcoming': 'No appointments in the next 60 days.',
    'console.none_past': 'No appointments in the last 60 days.',
    'console.none_on': 'No appointments on {day}.',
    'console.settings': 'Settings',
    'settings.title': 'Your settings',
    'settings.language': 'Language of the console',
    'settings.language_browser': 'As the browser prefers',
    'settings.timezone': 'Time zone of the times shown',
    'settings.timezone_default': 'The organisation’s ({zone})',
    'settings.cancel': 'Cancel',
    'settings.save': 'Save',
    'console.live': 'live',
    'console.reconnecting': 'reconnecting',
    'console.time': 'Time',
    'console.customer': 'Customer',
    'console.state': 'State',
    'console.no_appointments': 'No appointments today.',
    'console.join': 'Join',
    'console.state.scheduled': 'scheduled',
    'console.state.waiting': 'waiting',
    'console.state.nobody': 'nobody connected',
    'console.state.in_call': 'in call',
    'console.state.ended': 'ended',
    'console.state.cancelled': 'cancelled',
    'console.state.no_show': 'no show',
    'console.state.expired': 'expired',
    'console.devices_refused': 'Camera or microphone refused: {reason}',
    'console.left': 'You left the call.',
    'console.ended': 'The call has ended for everyone.',
    'console.stopped': 'The call stopped: {reason}',
    'console.waiting.title': 'Waiting now',
    'console.waiting.empty': 'Nobody is waiting.',
    'console.waiting.appointment': 'Appointment',
    'console.waiting.admit': 'Admit',
    'console.waiting.decline': 'Decline',
    'console.waiting.admit_next': 'Admit next: {queue}',
    'console.waiting.nobody': 'Nobody is waiting in {queue}.',
    'console.waiting.arrived': '{name} is waiting.',
    'console.waiting.failed': 'That did not work: {reason}',
    'console.notify.title': 'A customer is waiting',
    'console.decline.title': 'Decline {name}',
    'console.decline.message': 'Message to the customer (optional)',
    'console.decline.hint': 'Without a message, the customer reads that their call cannot be taken now.',
    'console.decline.confirm': 'Decline',
    'console.decline.cancel': 'Cancel',
    'size.bytes': '{n} B',
    'size.kilobytes': '{n} KB',
    'size.megabytes': '{n} MB',
  },
  fr: {
    'app.name': 'Appel vidéo',
    'app.logo': 'Logo',
    'lang.switch': 'English',
    'unsupported.title': 'Ce navigateur ne permet pas les appels vidéo',
    'unsupported.text': 'Ouvrez le lien dans une version récente de Chrome, Firefox, Safari ou Edge.',
    'refused.invalid_token.title': 'Ce lien n’est pas valide',
    'refused.invalid_token.text': 'Vérifiez que vous avez ouvert le lien complet reçu dans votre message, ou demandez-en un nouveau.',
    'refused.too_early.title': 'C’est un peu tôt',
    'refused.too_early.text': 'Ce lien fonctionnera à partir de {time}. Revenez à ce moment-là.',
    'refused.link_expired.title': 'Ce lien a expiré',
    'refused.link_expired.text': 'L’heure de ce rendez-vous est passée. Demandez un nouveau lien si vous avez encore besoin d’aide.',
    'refused.appointment_closed.title': 'Ce rendez-vous est terminé',
    'refused.appointment_closed.text': 'Il a été annulé ou est déjà terminé. Demandez un nouveau lien si vous avez encore besoin d’aide.',
    'consent.greeting': 'Bonjour {name}',
    'consent.when': 'Votre appel vidéo est prévu à {time}.',
    'consent.intro': 'Avant de rejoindre l’appel, lisez et acceptez les conditions ci-dessous. Votre caméra et votre micro ne servent que pendant l’appel.',
    'consent.terms': 'Conditions d’utilisation',
    'consent.privacy': 'Confidentialité',
    'consent.recording_possible': 'Enregistrement : le spécialiste peut enregistrer cet appel. Vous le verrez à l’écran pendant l’enregistrement.',
    'consent.recording_always': 'Enregistrement : cet appel est enregistré. Vous le verrez à l’écran pendant l’enregistrement.',
    'consent.recording_asked': 'Enregistrement : le spécialiste peut vous demander d’enregistrer cet appel. Rien n’est enregistré sans votre accord.',
    'consent.default_terms': 'L’appel a lieu entre vous et notre spécialiste. Ne partagez pas d’informations que vous ne souhaitez pas partager. Vous pouvez quitter à tout moment.',
    'consent.default_privacy': 'Votre son et votre image passent par notre serveur jusqu’au spécialiste. Nous gardons une trace de l’heure de l’appel ; rien d’autre n’est conservé sauf si on vous le dit pendant l’appel.',
    'consent.accept': 'J’accepte les conditions d’utilisation et la politique de confidentialité',
    'consent.continue': 'Continuer',
    'preview.title': 'Vérifiez votre caméra et votre micro',
    'preview.camera': 'Caméra',
    'preview.microphone': 'Micro',
    'preview.join': 'Rejoindre l’appel',
    'preview.level': 'Niveau du micro (parlez pour le voir bouger)',
    'preview.speaker_test': 'Jouer un son d’essai',
    'preview.speaker_playing': 'Lecture… Entendez-vous deux notes ?',
    'preview.speaker_done': 'Si vous n’avez rien entendu, montez le volume ou choisissez un autre haut-parleur dans les réglages de l’appareil.',
    'preview.speaker_failed': 'Ce navigateur ne peut pas jouer le son d’essai.',
    'preview.join_muted': 'Rejoindre avec le micro coupé',
    'preview.join_camera_off': 'Rejoindre avec la caméra coupée',
    'preview.sound_only': 'Aucune caméra trouvée : vous rejoindrez avec le son seulement.',
    'preview.missing': 'Aucune caméra ni aucun micro n’a été trouvé. Branchez-en un ou allumez-le, puis réessayez.',
    'preview.busy': 'Une autre application utilise votre caméra ou votre micro. Fermez-la (un autre appel vidéo, par exemple), puis réessayez.',
    'preview.blocked.chrome': 'Votre navigateur bloque la caméra ou le micro. Cliquez sur l’icône de caméra à droite de la barre d’adresse, choisissez « Toujours autoriser », puis réessayez.',
    'preview.blocked.firefox': 'Firefox bloque la caméra ou le micro. Cliquez sur l’icône de caméra barrée à gauche de la barre d’adresse, levez le blocage, puis réessayez.',
    'preview.blocked.safari': 'Safari bloque la caméra ou le micro. Dans le menu Safari, ouvrez « Réglages pour ce site web », réglez Caméra et Micro sur Autoriser, puis réessayez.',
    'preview.blocked.ios': 'La caméra ou le micro est bloqué. Touchez « aA » dans la barre d’adresse, puis « Réglages du site web », autorisez Caméra et Micro, puis réessayez. S’ils n’y figurent pas, ouvrez Réglages › Safari › Caméra (et Micro) et choisissez Demander.',
    'preview.blocked.android': 'La caméra ou le micro est bloqué. Touchez l’icône à gauche de l’adresse, puis « Autorisations », autorisez Caméra et Micro, puis réessayez.',
    'preview.blocked.other': 'Votre caméra ou votre micro est bloqué. Autorisez l’accès dans les réglages du navigateur, puis réessayez.',
    'preview.retry': 'Réessayer',
    'call.waiting': 'En attente de l’autre personne…',
    'call.connected': 'Connecté',
    'call.reconnecting': 'Connexion perdue. Reconnexion…',
    'call.restarting': 'Reconnexion de la vidéo…',
    'call.heading': 'Appel vidéo',
    'call.mute': 'Couper le micro',
    'call.muted': 'Micro coupé',
    'call.duration': 'Durée de l’appel {time}',
    'call.partner_reconnecting': '{name} a perdu la connexion. Reconnexion… {time}',
    'call.partner_left': '{name} a quitté l’appel',
    'call.camera_is_off': '{name} a coupé sa caméra',
    'call.unmute': 'Activer le micro',
    'call.camera_off': 'Couper la caméra',
    'call.camera_on': 'Activer la caméra',
    'call.share_screen': 'Partager l’écran',
    'call.stop_sharing': 'Arrêter le partage',
    'call.sharing': 'Vous partagez votre écran',
    'call.hang_up': 'Raccrocher',
    'call.end_for_all': 'Terminer pour tous',
    'console.recordings': 'Enregistrements ({count})',
    'recordings.title': 'Enregistrements de l’appel avec {name}',
    'recordings.none': 'Cet appel n’a pas d’enregistrement.',
    'recordings.who': '{name} ({role})',
    'recordings.role_customer': 'client',
    'recordings.role_specialist': 'spécialiste',
    'recordings.role_supervisor': 'superviseur',
    'recordings.state_recording': 'en cours d’enregistrement',
    'recordings.state_complete': 'complet',
    'recordings.state_interrupted': 'interrompu (arrêt du serveur)',
    'recordings.state_failed': 'échoué (non sauvegardé)',
    'recordings.download': 'Télécharger',
    'console.photos': 'Photos ({count})',
    'photos.title': 'Photos de l’appel avec {name}',
    'photos.none': 'Aucune photo n’a été prise pendant cet appel.',
    'photos.alt': 'Photo {number} de la caméra de {name}',
    'photos.source_device': 'prise par l’appareil du client',
    'photos.source_server': 'prise dans la vidéo',
    'photos.download': 'Télécharger',
    'recordings.close': 'Fermer',
    'call.record': 'Enregistrer',
    'call.stop_recording': 'Arrêter l’enregistrement',
    'call.recording': 'Cet appel est enregistré',
    'call.recording_by': 'Cet appel est enregistré (à la demande de {name})',
    'call.recording_failed': 'L’enregistrement s’est arrêté : il n’a pas pu être sauvegardé',
    'call.consent_ask': '{name} souhaite enregistrer cet appel.',
    'call.consent_ask_server': 'Cet appel n’est enregistré que si vous l’acceptez.',
    'call.consent_allow': 'Accepter l’enregistrement',
    'call.consent_refuse': 'Refuser',
    'call.consent_waiting': 'En attente de l’accord du client pour l’enregistrement',
    'call.consent_refused': 'Le client a refusé l’enregistrement',
    'call.photo': 'Photo',
    'call.photos': 'Photos de cet appel',
    'call.photo_taking': 'Prise de la photo…',
    'call.photo_taken': 'Photo prise',
    'call.photo_failed': 'La photo n’a pas pu être prise',
    'call.photo_customer_left': 'Le client est parti avant la prise de la photo',
    'call.photo_camera_off': 'La caméra du client est coupée : aucune photo n’a été prise',
    'call.photo_requested': 'Le spécialiste prend une photo avec votre caméra',
    'call.photo_taken_customer': 'Le spécialiste a pris une photo avec votre caméra',
    'call.photo_alt': 'Photo {number} : {width} × {height}, {source}',
    'call.photo_from_camera': 'de la caméra du client',
    'call.photo_from_video': 'de la vidéo',
    'guide.open': 'Guider',
    'guide.open_customer': 'Outils',
    'guide.tools': 'Outils de guidage',
    'guide.pointer': 'Pointeur',
    'guide.tool_freehand': 'Stylo',
    'guide.tool_arrow': 'Flèche',
    'guide.tool_circle': 'Cercle',
    'guide.tool_rectangle': 'Rectangle',
    'guide.tool_text': 'Texte',
    'guide.colour_red': 'Rouge',
    'guide.colour_yellow': 'Jaune',
    'guide.colour_blue': 'Bleu',
    'guide.colour_white': 'Blanc',
    'guide.text_placeholder': 'Texte à placer',
    'guide.text_label': 'Texte à placer sur l’image',
    'guide.text_first': 'Saisissez d’abord le texte, puis touchez l’image',
    'guide.undo': 'Annuler',
    'guide.clear': 'Effacer',
    'guide.freeze': 'Figer',
    'guide.unfreeze': 'Revenir au direct',
    'guide.save': 'Enregistrer le dessin',
    'guide.freezing': 'Capture de l’image…',
    'guide.frozen': 'Image figée : dessinez dessus',
    'guide.frozen_customer': 'Le spécialiste a figé votre image pour dessiner dessus',
    'guide.frozen_alt': 'Image figée de la caméra du client',
    'guide.freeze_camera_off': 'La caméra du client est coupée : rien à figer',
    'guide.freeze_failed': 'L’image n’a pas pu être figée',
    'guide.saved': 'Dessin enregistré avec les photos',
    'guide.save_failed': 'Le dessin n’a pas pu être enregistré',
    'camera.flip': 'Changer de caméra',
    'camera.torch': 'Lampe',
    'camera.zoom_in': 'Zoomer',
    'camera.zoom_out': 'Dézoomer',
    'camera.zoom': 'Zoom {zoom}',
    'camera.factor': '{factor}×',
    'camera.factor_digital': '{factor}× (numérique)',
    'camera.allow': 'Autoriser le spécialiste à piloter ma caméra (changement, lampe, zoom)',
    'camera.why_unknown': 'En attente de la caméra du client.',
    'camera.why_refused': 'Le client n’autorise pas le pilotage de sa caméra.',
    'camera.why_no_flip': 'Cet appareil n’a qu’une caméra.',
    'camera.why_no_torch': 'Cette caméra n’a pas de lampe.',
    'camera.why_no_zoom': 'Cette caméra ne peut pas zoomer.',
    'camera.why_failed': 'Le dernier changement a échoué sur l’appareil du client.',
    'camera.flipped': '{name} a changé votre caméra',
    'camera.torch_on': '{name} a allumé votre lampe',
    'camera.torch_off': '{name} a éteint votre lampe',
    'camera.zoomed': '{name} a zoomé votre caméra à {zoom}',
    'camera.unzoomed': '{name} a remis votre caméra sans zoom',
    'location.ask': 'Position',
    'location.reason': 'Pourquoi (lu par le client)',
    'location.reason_label': 'Pourquoi vous demandez sa position au client (il le lit avant de décider)',
    'location.asking': 'Demande de sa position au client…',
    'location.prompt': '{name} demande où vous êtes. Partager votre position ?',
    'location.prompt_reason': '{name} demande où vous êtes : « {reason} ». Partager votre position ?',
    'location.share': 'Partager ma position',
    'location.decline': 'Ne pas partager',
    'location.shared_customer': 'Votre position a été partagée',
    'location.declined_customer': 'Votre position n’a pas été partagée',
    'location.list': 'Positions du client',
    'location.shared': '{name} : {lat}, {lon} (à {accuracy} m près)',
    'location.map': 'Voir la carte',
    'location.denied': '{name} n’a pas partagé sa position',
    'location.unavailable': 'L’appareil de {name} n’a pas trouvé sa position',
    'location.timeout': 'L’appareil de {name} a mis trop de temps à trouver sa position',
    'location.unsupported': 'Le navigateur de {name} ne peut pas partager de position',
    'location.customer_left': 'Le client est parti avant de répondre',
    'call.tap_for_sound': 'Touchez pour activer le son',
    'call.own_camera_off': 'Votre caméra est coupée',
    'call.quality_good': 'Votre connexion : bonne',
    'call.quality_fair': 'Votre connexion : moyenne',
    'call.quality_poor': 'Votre connexion : faible',
    'call.quality_figures': 'Aller-retour {rtt} ms · {loss} % perdus · {kbps} kb/s reçus',
    'call.partner_quality_good': 'Bonne connexion',
    'call.partner_quality_fair': 'Connexion moyenne',
    'call.partner_quality_poor': 'Connexion faible',
    'ended.title': 'L’appel est terminé',
    'ended.text': 'Merci. Vous pouvez fermer cette page.',
    'ended.declined.title': 'Le spécialiste ne peut pas prendre votre appel',
    'ended.declined.text': 'Désolé, votre appel ne peut pas être pris maintenant. Vous pouvez fermer cette page.',
    'ended.queue_closed.title': 'La file d’attente est fermée',
    'ended.queue_closed.text': 'Désolé, nous ne pouvons plus prendre d’appels pour le moment. Revenez plus tard.',
    'waiting.title': 'Vous êtes dans la salle d’attente',
    'waiting.host_company': '{name}, de {company}, va vous recevoir.',
    'waiting.host': '{name} va vous recevoir.',
    'waiting.company': 'Un spécialiste de {company} va vous recevoir.',
    'waiting.next': 'Vous êtes le prochain.',
    'waiting.position': 'Vous êtes en position {position} dans la file.',
    'waiting.estimate': 'Attente estimée : environ {minutes} min.',
    'waiting.estimate_unknown': 'Attente estimée : inconnue pour l’instant.',
    'waiting.since': 'En attente depuis {time}',
    'waiting.keep_open': 'Gardez cette page ouverte : l’appel démarre tout seul quand le spécialiste vous fait entrer.',
    'queue.loading': 'Chargement…',
    'queue.intro': 'Dites-nous qui vous êtes et un spécialiste prendra votre appel vidéo. Vous patientez dans la file à la page suivante.',
    'queue.name': 'Votre nom',
    'queue.phone': 'Numéro de mobile (facultatif)',
    'queue.phone_hint': 'Avec l’indicatif du pays, par ex. +33 6 12 34 56 78',
    'queue.email': 'E-mail (facultatif)',
    'queue.reason': 'Pour quoi avez-vous besoin d’aide ? (facultatif)',
    'queue.submit': 'Rejoindre la file d’attente',
    'queue.sending': 'Un instant…',
    'queue.error.missing_field': 'Merci de remplir ce champ.',
    'queue.error.invalid_value': 'Merci de remplir ce champ.',
    'queue.error.invalid_phone': 'Saisissez le numéro avec l’indicatif du pays, par ex. +33 6 12 34 56 78.',
    'queue.error.invalid_email': 'Ce n’est pas une adresse e-mail.',
    'queue.error.too_long': 'C’est trop long.',
    'queue.error.field': 'Merci de vérifier ce champ.',
    'queue.error.general': 'Une erreur s’est produite. Réessayez.',
    'queue.error.network': 'La connexion a échoué. Réessayez.',
    'queue.error.too_many_entries': 'Vous avez rejoint une file plusieurs fois en peu de temps. Patientez quelques minutes, puis réessayez.',
    'queue.unknown.title': 'Cette file d’attente n’existe pas',
    'queue.unknown.text': 'Vérifiez que vous avez ouvert le lien complet, ou demandez-en un nouveau.',
    'queue.closed.title': 'Cette file est fermée pour le moment',
    'queue.outside_hours.title': 'Cette file est fermée à cette heure-ci',
    'queue.full.title': 'Cette file est complète pour le moment',
    'queue.full.text': 'Beaucoup de personnes attendent déjà. Réessayez dans quelques minutes.',
    'queue.next_opening': 'Elle rouvre le {time}.',
    'queue.later': 'Revenez plus tard.',
    'queue.retry': 'Réessayer',
    'left.title': 'Vous avez quitté l’appel',
    'left.text': 'Vous pouvez revenir tant que le rendez-vous dure.',
    'left.rejoin': 'Revenir dans l’appel',
    'refused.replaced.title': 'L’appel continue sur un autre appareil',
    'refused.replaced.text': 'Ce lien a été ouvert ailleurs, cette page s’est donc arrêtée.',
    'failed.title': 'L’appel n’a pas pu continuer',
    'chat.open': 'Messages',
    'chat.unread': '{n} non lus',
    'chat.title': 'Messages',
    'chat.close': 'Fermer les messages',
    'chat.you': 'Vous',
    'chat.empty': 'Aucun message pour l’instant. Les messages sont conservés avec le rendez-vous.',
    'chat.input_label': 'Message',
    'chat.placeholder': 'Écrivez un message…',
    'chat.hint': 'Entrée envoie, Maj+Entrée passe à la ligne.',
    'chat.send': 'Envoyer',
    'chat.attach': 'Joindre un fichier',
    'chat.drop': 'Déposez des fichiers ici pour les envoyer',
    'chat.left': 'Encore {n} caractères',
    'chat.over': '{n} caractères de trop',
    'chat.typing_one': '{name} écrit…',
    'chat.typing_many': '{names} écrivent…',
    'chat.announce': 'Nouveau message de {name}',
    'chat.rate_limited': 'Vous envoyez des messages très vite. Patientez un instant, puis renvoyez.',
    'chat.too_long': 'Ce message est trop long : 2000 caractères au plus, s’il vous plaît.',
    'chat.not_stored': 'Votre message n’a pas pu être envoyé à cause d’un problème sur le serveur. Il est toujours là : renvoyez-le.',
    'chat.not_connected': 'L’appel se reconnecte ; votre message est toujours là. Renvoyez-le dans un instant.',
    'file.download': 'Télécharger',
    'file.uploading': 'Envoi de {name}',
    'file.cancel': 'Annuler',
    'file.too_large': '« {name} » est trop volumineux pour être envoyé.',
    'file.type_refused': '« {name} » ne peut pas être envoyé : ce type de fichier n’est pas accepté.',
    'file.unavailable': 'L’envoi de fichiers n’est pas encore possible ici.',
    'file.failed': '« {name} » n’a pas pu être envoyé : {reason}',
    'file.network': 'la connexion a été perdue.',
    'file.download_failed': '« {name} » n’a pas pu être téléchargé. Réessayez.',
    'console.sign_in': 'Se connecter',
    'console.sign_out': 'Se déconnecter',
    'console.username': 'Identifiant',
    'console.password': 'Mot de passe',
    'console.new.title': 'Nouvel appel immédiat',
    'console.new.name': 'Nom du client',
    'console.new.phone': 'Mobile (facultatif)',
    'console.new.email': 'E-mail (facultatif)',
    'console.new.create': 'Créer et obtenir le lien',
    'console.new.link': 'Lien pour le client',
    'console.copy_link': 'Copier le lien',
    'console.copied': 'Copié',
    'console.copy_failed': 'Copie impossible : sélectionnez le lien',
    'problem.invalid_credentials': 'Identifiant ou mot de passe incorrect.',
    'problem.invalid_phone': 'Ce numéro de mobile n’est pas utilisable. Écrivez-le comme sur une carte de visite, par exemple 06 12 34 56 78 ou +44 7700 900123.',
    'problem.invalid_email': 'Cette adresse e-mail ne semble pas correcte.',
    'problem.missing_field': 'Merci de remplir les champs obligatoires.',
    'problem.too_long': 'Un des champs est trop long.',
    'problem.invalid_timezone': 'Ce fuseau horaire est inconnu.',
    'problem.country_not_allowed': 'Les SMS ne peuvent pas être envoyés vers ce pays.',
    'problem.csrf_failed': 'Votre session a expiré : reconnectez-vous.',
    'problem.appointment_closed': 'Ce rendez-vous est terminé : on ne peut plus le rejoindre.',
    'problem.server': 'Le serveur a rencontré un problème. Réessayez dans un instant.',
    'problem.network': 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
    'console.today': 'Aujourd’hui',
    'console.upcoming': 'À venir',
    'console.past': 'Passés',
    'console.views': 'Quels rendez-vous',
    'console.day': 'Jour',
    'console.search': 'Chercher un nom, un téléphone ou un e-mail',
    'console.times_in': 'Heures de {zone}.',
    'console.no_match': 'Aucun rendez-vous ne correspond à « {query} ».',
    'console.none_upcoming': 'Aucun rendez-vous dans les 60 prochains jours.',
    'console.none_past': 'Aucun rendez-vous dans les 60 derniers jours.',
    'console.none_on': 'Aucun rendez-vous le {day}.',
    'console.settings': 'Réglages',
    'settings.title': 'Vos réglages',
    'settings.language': 'Langue de la console',
    'settings.language_browser': 'Comme le navigateur le préfère',
    'settings.timezone': 'Fuseau horaire des heures affichées',
    'settings.timezone_default': 'Celui de l’organisation ({zone})',
    'settings.cancel': 'Annuler',
    'settings.save': 'Enregistrer',
    'console.live': 'en direct',
    'console.reconnecting': 'reconnexion',
    'console.time': 'Heure',
    'console.customer': 'Client',
    'console.state': 'État',
    'console.no_appointments': 'Aucun rendez-vous aujourd’hui.',
    'console.join': 'Rejoindre',
    'console.state.scheduled': 'prévu',
    'console.state.waiting': 'en attente',
    'console.state.nobody': 'personne en ligne',
    'console.state.in_call': 'en appel',
    'console.state.ended': 'terminé',
    'console.state.cancelled': 'annulé',
    'console.state.no_show': 'absent',
    'console.state.expired': 'expiré',
    'console.devices_refused': 'Caméra ou micro refusé : {reason}',
    'console.left': 'Vous avez quitté l’appel.',
    'console.ended': 'L’appel est terminé pour tous.',
    'console.stopped': 'L’appel s’est arrêté : {reason}',
    'console.waiting.title': 'En attente',
    'console.waiting.empty': 'Personne n’attend.',
    'console.waiting.appointment': 'Rendez-vous',
    'console.waiting.admit': 'Faire entrer',
    'console.waiting.decline': 'Refuser',
    'console.waiting.admit_next': 'Faire entrer le suivant : {queue}',
    'console.waiting.nobody': 'Personne n’attend dans la file {queue}.',
    'console.waiting.arrived': '{name} attend.',
    'console.waiting.failed': 'Cela n’a pas marché : {reason}',
    'console.notify.title': 'Un client attend',
    'console.decline.title': 'Refuser {name}',
    'console.decline.message': 'Message pour le client (facultatif)',
    'console.decline.hint': 'Sans message, le client lit que son appel ne peut pas être pris maintenant.',
    'console.decline.confirm': 'Refuser',
    'console.decline.cancel': 'Annuler',
    'size.bytes': '{n} o',
    'size.kilobytes': '{n} Ko',
    'size.megabytes': '{n} Mo',
  },
};

/** @typedef {keyof typeof strings.en} Key */

const storageKey = 'assist.language';

/** @type {Language} */
let current = 'en';

/** @param {string} value @returns {value is Language} */
function isLanguage(value) {
  return value === 'en' || value === 'fr';
}

/**
 * Picks the language: the customer's earlier choice in this browser, else the server's.
 * @param {string} fromServer
 */
export function initLanguage(fromServer) {
  const stored = localStorage.getItem(storageKey) ?? '';
  current = isLanguage(stored) ? stored : isLanguage(fromServer) ? fromServer : 'en';
  document.documentElement.lang = current;
  return current;
}

/**
 * Speaks `language` from now on (a user's own setting), without remembering it in the browser.
 * @param {string} language
 */
export function useLanguage(language) {
  if (!isLanguage(language)) return;
  current = language;
  document.documentElement.lang = current;
}

/** Switches between English and French and remembers the choice. */
export function toggleLanguage() {
  current = current === 'en' ? 'fr' : 'en';
  localStorage.setItem(storageKey, current);
  document.documentElement.lang = current;
  return current;
}

/** The language the page is in now. */
export function currentLanguage() {
  return current;
}

/**
 * For the customer's pages: picks the language (initLanguage) and wires the header's #language
 * button; now and after each switch, the page's marked words are translated and `render` redraws
 * what the script wrote.
 * @param {string} fromServer
 * @param {() => void} render
 */
export function startLanguage(fromServer, render) {
  initLanguage(fromServer);
  const switcher = byId('language', HTMLButtonElement);
  const refresh = () => {
    switcher.textContent = t('lang.switch');
    translatePage(t);
    render();
  };
  switcher.onclick = () => {
    toggleLanguage();
    refresh();
  };
  refresh();
}

/**
 * Whether there is a text for `key` (the pages explain the server's codes they have words for).
 * @param {string} key
 */
export function hasText(key) {
  return key in strings.en;
}

/**
 * The text for `key` in the current language, with {name} placeholders filled from `vars`.
 * @param {string} key
 * @param {Record<string, string>} [vars]
 */
export function t(key, vars = {}) {
  /** @type {Record<string, string>} */
  const table = strings[current];
  const text = table[key] ?? strings.en[/** @type {Key} */ (key)] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? '');
}

// Dates and numbers in the browser's own variant of the current language (en-GB writes 07:05,
// en-US 7:05 AM), else in the language itself.
function locale() {
  return navigator.language.split('-')[0] === current ? navigator.language : current;
}

/**
 * A time the way people read it in the current language, in the browser's time zone.
 * @param {string} iso
 */
export function formatTime(iso) {
  return firstOfMonth(new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso)));
}

/**
 * French writes the first of a month "1er" ("mardi 1er décembre"); Intl writes "1".
 * @param {string} text a date Intl formatted in the current language
 */
function firstOfMonth(text) {
  return current === 'fr' ? text.replace(/(^|\s)1(?= \p{L})/u, (_, space) => `${space}1er`) : text;
}

/**
 * A calendar date ("2026-12-01") as people read it: "Tuesday 1 December", "mardi 1er décembre".
 * @param {string} day
 */
export function formatDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return firstOfMonth(new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d))));
}

/**
 * A time within the coming week in a place's own time zone, named so that nobody has to guess
 * ("Monday, December 7 at 9:00 AM GMT+1"); in the browser's zone when the browser does not know
 * that one.
 * @param {string} iso
 * @param {string} timeZone an IANA name such as "Europe/Paris"
 */
export function formatInZone(iso, timeZone) {
  /** @type {Intl.DateTimeFormatOptions} */
  const options = { weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit',
    timeZoneName: 'short' };
  try {
    return firstOfMonth(new Intl.DateTimeFormat(locale(), { ...options, timeZone }).format(new Date(iso)));
  } catch {
    return firstOfMonth(new Intl.DateTimeFormat(locale(), options).format(new Date(iso)));
  }
}

/**
 * The time of day of `iso` (a chat message's), as people read it in the current language.
 * @param {string} iso
 */
export function formatClock(iso) {
  return new Intl.DateTimeFormat(locale(), { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/**
 * How long someone has waited, as a clock reads: 3:05, or 1:02:09 past the hour.
 * @param {number} seconds
 */
export function formatWaited(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const minutes = Math.floor(s / 60) % 60;
  const hours = Math.floor(s / 3600);
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${minutes}:${two(s % 60)}`;
}

/**
 * A file size the way people read it: 512 B, 3.4 KB, 12 MB (in French 3,4 Ko).
 * @param {number} bytes
 */
export function formatSize(bytes) {
  const units = /** @type {const} */ (['size.bytes', 'size.kilobytes', 'size.megabytes']);
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  const n = new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
  return t(units[unit], { n });
}
