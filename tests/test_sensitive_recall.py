"""The `sensitive` check beyond the one example per category: arrears, a lost relative, a
reader introduced by "As a ...", an attribute attached to "your" next to a cause word, short
questions without a subject, and Russian. Each positive has negatives built from the same
words that must stay silent."""

from __future__ import annotations

import pytest

from copyguard import Guard
from copyguard.pii.attributes import attribute_matcher, expand
from tests.test_sensitive import LOCALES, guard, sensitive  # noqa: F401 (fixture)

POSITIVE = [
    # financial distress: arrears of any kind
    ("en", "financial_distress", "Behind on your council tax again? Spread the cost."),
    ("en", "financial_distress", "Falling behind with the rent? We can help."),
    ("en", "financial_distress", "Are you behind on your car payments?"),
    ("en", "financial_distress", "Struggling to make ends meet? Our loans are here."),
    ("de", "financial_distress", "Sind Sie mit der Miete im Rückstand? Wir helfen."),
    ("fr", "financial_distress", "Vous êtes en retard sur votre loyer ? Nous vous aidons."),
    ("it", "financial_distress", "Sei in ritardo con l'affitto? Ti aiutiamo noi."),
    ("es", "financial_distress", "¿Vas atrasado con el alquiler? Te ayudamos."),
    ("pt", "financial_distress", "Você está atrasado com o aluguel? Nós ajudamos."),
    ("ru", "financial_distress", "У вас просрочка по кредиту? Мы поможем."),
    # bereavement: a relative named, not only "sorry for your loss"
    ("en", "bereavement", "We were so sorry to hear about the loss of your mother."),
    ("en", "bereavement", "Remember your late husband with a star named after him."),
    ("en", "bereavement", "Since you lost your dad, we wanted to reach out."),
    ("ru", "bereavement", "Соболезнуем в связи с уходом вашего мужа."),
    # a reader introduced by "As a ..." / "Como ..."
    ("en", "ethnicity", "As a proud Latina, you know family comes first."),
    ("en", "ethnicity", "As a Latina, shop our new heritage range."),
    ("en", "religion", "As a devout Muslim, treat yourself this Eid."),
    ("es", "immigration", "Como inmigrante recién llegado, seguro que echas de menos tu país."),
    ("ru", "religion", "Как православный христианин, вы оцените этот набор."),
    # "your" attached to the term wins over a cause word ("risk")
    ("en", "genetic_biometric", "Your DNA results show a higher risk of heart disease."),
    # short questions without a subject
    ("en", "criminal_record", "Starting over after prison? Our boots are 15% off."),
    ("en", "criminal_record", "Just out of jail? Start fresh with our phone plans."),
    ("en", "life_events", "Recently divorced? Treat yourself."),
    ("en", "health", "Newly diagnosed with diabetes? Try our meal plans."),
    ("de", "life_events", "Frisch geschieden? Gönn dir was."),
    ("fr", "life_events", "Récemment divorcé ? Faites-vous plaisir."),
    ("it", "life_events", "Appena divorziato? Concediti un regalo."),
    ("es", "life_events", "¿Recién divorciado? Date un capricho."),
    ("pt", "life_events", "Recém-divorciado? Você merece um presente."),
    ("ru", "life_events", "Недавно развелись? Побалуйте себя."),
    # Russian: declined forms
    ("ru", "health", "У вас рассеянный склероз? Попробуйте наш чай."),
    ("ru", "health", "Живёте с диабетом? Попробуйте наши сладости без сахара."),
    ("ru", "pregnancy", "Поздравляем вас с беременностью и скорым пополнением!"),
    ("ru", "immigration", "С вашим видом на жительство откройте счёт бесплатно."),
    # Korean: particles attached to the term, the reader named by 고객님 / 회원님
    ("ko", "life_events", "혹시 최근에 이혼하셨나요? 새 출발을 응원합니다."),
    ("ko", "financial_distress", "빚 때문에 힘드신 회원님께 무이자 상담을 드립니다."),
    ("ko", "health", "고객님의 당뇨 관리를 위한 식단입니다."),
]

NEGATIVE = [
    ("en", "Never fall behind on the latest trends: the new collection is here."),
    ("en", "Our rent-a-tent service is back for the summer."),
    ("en", "Prevent the loss of your photos with our cloud backup."),
    ("en", "Our founder, a proud Latina, started the brand in 1990."),
    ("en", "It was sold as a Latina-inspired fragrance in the nineties."),
    ("en", "I was granted asylum as a refugee and started this shop."),
    ("en", "Reduce your risk of heart disease with our oats."),
    ("en", "Whether you're Buddhist, Hindu or Muslim, our calendar has every holiday."),
    ("en", "What is life like in prison? Our new podcast explains."),
    ("en", "Looking good for the summer? Our swimwear is 20% off."),
    ("en", "Shopping for your pregnant sister? Our bump-friendly range is here."),
    ("en", "Case 1:\n? Male age 37\n? Diagnosed at age 23\n? Issued Standard"),  # ? = bullet
    ("en", "As you know family comes first, our group stays are 20% off."),
    ("de", "Frisch gebacken? Unser Brot kommt jeden Morgen."),
    ("de", "Was ist Diabetes? Unser Ratgeber erklärt es."),
    ("fr", "Qu'est-ce que le diabète ? Notre guide l'explique."),
    ("it", "Cos'è il diabete? La nostra guida lo spiega."),
    ("es", "Como sabes, el museo de la inmigración reabre este mes."),
    ("es", "¿Qué es la diabetes? Nuestra guía lo explica."),
    ("pt", "O que é diabetes? O nosso guia explica."),
    ("ru", "В нашей коллекции для будущих мам есть всё."),
    ("ru", "Наша ракета летит в космос, ваш заказ уже в пути."),
    ("ru", "Мы поддерживаем фонд борьбы с раком."),
    ("ru", "Как сделать заказ? Напишите нам."),
    # Korean words that share a form with a term
    ("ko", "정성껏 빚은 만두를 고객님께 보내드립니다."),
    ("ko", "예전과 달리 고객님께 더 빠르게 배송합니다."),
    ("ko", "한 번 먹으면 멈출 수 없는 중독성 있는 맛, 고객님도 느껴보세요."),
    ("ko", "고객님 투표로 선정된 이달의 메뉴입니다."),
    ("ko", "지문 인식 잠금 기능으로 고객님의 폰을 지키세요."),
    ("ko", "생협 조합원 고객님께 드리는 혜택입니다."),
    ("ko", "고객님, 건강 검진 패키지가 20% 할인됩니다."),
]


@pytest.mark.parametrize(("language", "category", "text"), POSITIVE)
def test_reader_directed(guard: Guard, language: str, category: str,  # noqa: F811
                         text: str) -> None:
    assert category in sensitive(guard.check(text, locale=LOCALES[language]))


@pytest.mark.parametrize(("language", "text"), NEGATIVE)
def test_not_reader_directed(guard: Guard, language: str, text: str) -> None:  # noqa: F811
    assert sensitive(guard.check(text, locale=LOCALES[language])) == []


def test_alternatives_expand_to_every_spelling() -> None:
    assert expand("behind {on|with} {|your }rent") == [
        "behind on rent", "behind on your rent", "behind with rent", "behind with your rent"]


def test_russian_lexicon_names_its_sources_and_every_category() -> None:
    matcher = attribute_matcher("ru")
    assert matcher is not None
    assert matcher.lexicon.sources and matcher.lexicon.license and matcher.lexicon.age
