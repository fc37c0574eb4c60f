"""The French wording each moment starts with; administrators edit it in the back office.
Plain data (no Django import) so the data migration can use it."""

CLOSING = "Nous vous prions d'agréer, {{ greeting }}, l'expression de nos salutations distinguées."

# Works for every citizen, including those who gave only a postal address (portal.links).
TRACKING_SENTENCE = (
    "Vous pouvez suivre son avancement à tout moment sur {{ tracking_url }} avec votre "
    "référence et le code de suivi {{ tracking_code }}, ou en appelant Allô Mairie au 3013."
)
# The sentence before: it asked for a contact that a citizen writing by post never gave.
OLD_TRACKING_SENTENCE = (
    "Vous pouvez suivre son avancement à tout moment sur {{ tracking_url }} avec votre "
    "référence et l'adresse électronique ou le numéro de téléphone que vous nous avez "
    "indiqués."
)

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "acknowledgement": {
        "subject": "Votre demande {{ reference }} a bien été enregistrée",
        "body": (
            "{{ greeting }},\n\n"
            "Nous avons bien enregistré votre demande du {{ created_on }} concernant : "
            "{{ request_label }}{% if location %}, {{ location }}{% endif %}.\n\n"
            "Elle porte la référence {{ reference }}, à rappeler dans vos échanges avec "
            "Allô Mairie. Elle a été transmise au service compétent : {{ directorate_name }} "
            "({{ body_name }}){% if due_on %}, qui s'engage à intervenir au plus tard le "
            "{{ due_on }}{% endif %}.\n\n" + TRACKING_SENTENCE + "\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : votre demande ({{ request_label }}) est enregistree.",
    },
    "intervention": {
        "subject": "Demande {{ reference }} : intervention programmée",
        "body": (
            "{{ greeting }},\n\n"
            "Votre demande concernant : {{ request_label }}{% if location %}, {{ location }}"
            "{% endif %} est prise en charge par le service compétent : {{ directorate_name }} "
            "({{ body_name }}). "
            "Une intervention est programmée"
            "{% if due_on %} et doit avoir lieu au plus tard le {{ due_on }}{% endif %}.\n\n"
            "{% if public_comment %}Précision du service : {{ public_comment }}\n\n{% endif %}"
            "Nous vous informerons de la suite donnée.\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : une intervention est programmee pour votre demande.",
    },
    "waiting": {
        "subject": "Demande {{ reference }} : traitement en attente",
        "body": (
            "{{ greeting }},\n\n"
            "Le traitement de votre demande concernant : {{ request_label }} est momentanément "
            "en attente.\n\n"
            "{% if public_comment %}Motif : {{ public_comment }}\n\n{% endif %}"
            "Le service compétent reprendra l'intervention dès que possible et nous vous "
            "tiendrons informé(e) de son avancement.\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : le traitement de votre demande est en attente"
        "{% if public_comment %} ({{ public_comment }}){% endif %}.",
    },
    "fixed": {
        "subject": "Demande {{ reference }} : intervention réalisée",
        "body": (
            "{{ greeting }},\n\n"
            "Nous avons le plaisir de vous informer que votre demande concernant : "
            "{{ request_label }}{% if location %}, {{ location }}{% endif %} a été traitée.\n\n"
            "{{ outcome }}\n\n"
            "Votre avis nous aide à améliorer le service : pour répondre à une seule question, "
            "rendez-vous sur {{ survey_url }} avec votre référence.\n\n"
            "Nous vous remercions d'avoir contribué à la qualité de l'espace public.\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : votre demande ({{ request_label }}) a ete traitee. Votre avis : "
        "{{ survey_url }}",
    },
    "not_fixable": {
        "subject": "Demande {{ reference }} : suite donnée",
        "body": (
            "{{ greeting }},\n\n"
            "Votre demande concernant : {{ request_label }}{% if location %}, {{ location }}"
            "{% endif %} a été examinée avec attention par le service compétent : "
            "{{ directorate_name }} ({{ body_name }}). Nous sommes au regret de vous informer "
            "qu'elle ne peut pas donner lieu à une intervention, pour la raison suivante :\n\n"
            "{{ outcome }}\n\n"
            "Vous pouvez nous donner votre avis sur {{ survey_url }} avec votre référence.\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : votre demande ne peut pas donner lieu a une intervention. "
        "Motif : {{ outcome }}",
    },
    "outside": {
        "subject": "Demande {{ reference }} : organisme compétent",
        "body": (
            "{{ greeting }},\n\n"
            "Votre demande concernant : {{ request_label }}{% if location %}, {{ location }}"
            "{% endif %} ne relève pas de la compétence de nos services.\n\n"
            "{{ outcome }}\n\n"
            "Nous vous invitons à prendre contact directement avec cet organisme, qui pourra "
            "donner suite à votre demande.\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : votre demande ne releve pas de nos services. {{ outcome }}",
    },
    "rerouted": {
        "subject": "Demande {{ reference }} : transmise au service compétent",
        "body": (
            "{{ greeting }},\n\n"
            "Après examen, votre demande concernant : {{ request_label }} relève du "
            "service suivant : {{ directorate_name }} ({{ body_name }}), à qui elle a été transmise"
            "{% if previous_body_name %} par {{ previous_body_name }}{% endif %}. "
            "Elle conserve sa référence {{ reference }}."
            "{% if due_on %} L'intervention est attendue au plus tard le {{ due_on }}.{% endif %}"
            "\n\n"
            "Vous pouvez continuer à suivre son avancement sur {{ tracking_url }}\n\n" + CLOSING
        ),
        "sms": "Allo Mairie : votre demande a ete transmise au service competent ({{ body_name }}).",
    },
    "answer": {
        "subject": "Réponse à votre demande {{ reference }}",
        "body": (
            "{{ greeting }},\n\n"
            "Vous nous avez interrogés le {{ created_on }} au sujet de : {{ request_label }}. "
            "Voici la réponse que nous pouvons vous apporter :\n\n"
            "{{ outcome }}\n\n"
            "Si cette réponse ne vous suffit pas, Allô Mairie reste à votre disposition au 3013."
            "\n\nVotre avis nous aide à progresser : {{ survey_url }} (avec votre référence).\n\n" + CLOSING
        ),
        "sms": "Allo Mairie, reponse a votre question : {{ outcome }}",
    },
}
