"""What the synthetic texts say: clauses per (category, subcategory) and shared phrase rules.

Per subcategory (key ``"category/subcategory"``):

- ``np``: noun phrases naming the subject ("mijn parkeervergunning");
- ``k``: complaint clauses, first person ("ik wacht al <weken> op ...");
- ``v``: questions / neutral requests, first person;
- ``p``: positive clauses (compliments);
- ``n``: contact-centre telegram notes, third person without subject ("wil bp aanvragen"), used
  after "klt"/"mw."/"dhr." and in interview notes after "bewoner";
- ``pii``: personal-data slots that fit this subject (used by the source frames).

All clauses start lower case; sentence case, typos and lower-case style are applied afterwards.
The grammar syntax is described in ``grammar.py``.
"""
from __future__ import annotations

# ----------------------------------------------------------------------------- shared phrase rules
GLOBAL_RULES: dict[str, list[str]] = {
    "weken": ["{twee|drie|vier|zes|acht|2|3|4|5|6} weken", "{een|1} maand", "{twee|drie|2|3} maanden", "ruim een maand"],
    "al_lang": ["al <weken>", "al {tijden|zo lang|een eeuwigheid|weken|maanden}", "sinds {vorige week|begin deze maand|januari|de zomer|twee weken}"],
    "wkn": ["{2|3|4|5|6|8} {wkn|wk|weken}", "{1|2} mnd", "ruim {2|3} wkn"],
    "dagen": ["{twee|drie|vier|vijf|2|3|4|5|10} dagen", "een week", "{ruim|bijna} een week"],
    "nog_steeds": ["nog steeds", "nog altijd", "tot nu toe", "nog {steeds|altijd} niet"],
    "belachelijk": ["belachelijk", "schandalig", "niet normaal", "onacceptabel", "te gek voor woorden", "diep triest", "een schande", "niet te geloven"],
    "boos": ["boos", "woedend", "teleurgesteld", "gefrustreerd", "het zat", "het spuugzat", "ontzettend geïrriteerd", "kwaad"],
    "gemeente": ["de gemeente", "jullie", "de gemeente Rotterdam", "gemeente", "jullie als gemeente"],
    "snel": ["snel", "vlot", "binnen een paar minuten", "meteen", "direct", "heel snel"],
    "vriendelijk": ["vriendelijk", "aardig", "erg vriendelijk", "heel behulpzaam", "netjes", "correct", "super vriendelijk", "vriendelijk en geduldig"],
    "wil_weten": ["ik wil graag weten", "ik zou graag willen weten", "kunt u mij vertellen", "graag hoor ik", "ik vraag me af", "ik wil weten"],
    "aantal": ["{2|3|4|5|6|twee|drie|vier|vijf|zes}"],
    "minuten": ["{20|25|30|35|40|45|50|60|70|90} minuten", "{een half uur|drie kwartier|een uur|ruim een uur|anderhalf uur}"],
    "emo_neg": ["{!|!!|!!!}", ". {Echt|Gewoon} <belachelijk>{!|.}", ". Ik ben {echt |zo |}<boos>{.|!}", ". {Wat een|Echt een} {gedoe|ellende|drama|toestand}{!|.}", ". {Dit|Dat} kan {toch|echt} niet{.|!}"],
    "emo_open": ["{Slecht|Heel slecht|Waardeloos|Matig|Niet goed|Teleurstellend}{.|!|,}", "{Tja|Nou|Pff|Sorry maar}{.|,}", "{Wat een|Echt een} {ellende|gedoe|drama}.", "Onvoldoende want"],
    "kto_neg_close": ["{Niet|Nooit} meer{!|.}", "Ik {heb|had} meer verwacht van <gemeente>.", "Dit moet {echt|} beter.", "Jammer{.|!}", "Zo ga je niet met {burgers|inwoners|mensen} om.", "Vandaar dit cijfer.", "Daarom een {laag|slecht} cijfer."],
    "kto_pos_open": ["{Top|Prima|Goed|Heel goed|Uitstekend|Super|Perfect|Tevreden}{.|!|,}", "{Fijn|Prettig} contact{.|!}", "Geen klachten{.|,}"],
    "kto_pos_close": ["Dank {u|je|jullie} wel{!|.}", "{Zo|Dit} kan het dus ook{!|.}", "Complimenten voor {de medewerker|het team|jullie}{!|.}", "Ga zo door{!|.}", "Top{!|.}", "Ik ben {zeer|heel|erg} tevreden.", "Daarom een {hoog|goed|mooi} cijfer."],
    "mixed_but": ["maar", "alleen", "wel jammer dat", "maar helaas", "het enige minpunt:", "al vond ik het jammer dat"],
    "ook": ["En", "Ook:", "Daarnaast:", "Verder:", "Bovendien:", "Wat ook niet fijn is:", "En dan nog dit:", "En ook", "Ook nog:", "O ja, en"],
    "ook_pos": ["En", "Ook:", "En ook", "Daarnaast:", "Verder:"],
    "ook_note": ["Ook:", "Daarnaast:", "Tevens:", "Verder:", "Ook vraag:", "2e punt:", "+", "Tevens"],
    # complaint frames
    "klacht_aanhef": ["Geachte heer/mevrouw,", "Geachte heer, mevrouw,", "Beste {medewerker|gemeente|meneer/mevrouw},", "Geachte {medewerker|klachtenbehandelaar},", "Aan de gemeente Rotterdam,", "Goedendag,", "Hallo,"],
    "klacht_intro": ["Hierbij {dien ik een klacht in|wil ik een klacht indienen} over <np>.", "Ik {wil een {formele |officiële |}klacht indienen|wens een {formele |officiële |}klacht in te dienen} {over|met betrekking tot|betreffende} <np>.", "Met deze {brief|mail} {maak ik bezwaar tegen|wil ik mijn ongenoegen uiten over} de gang van zaken rond <np>.", "Ik schrijf u {omdat|aangezien} ik {zeer|erg|bijzonder|} ontevreden ben over <np>.", "Graag {breng ik|wil ik} het volgende onder uw aandacht{.|:} het gaat om <np>."],
    "klacht_eis": ["Ik verzoek u {vriendelijk|dringend|hierbij} {deze zaak|dit} {zo spoedig mogelijk|binnen twee weken|op korte termijn} op te lossen.", "Ik verwacht {binnen een redelijke termijn|spoedig|zo snel mogelijk} een {inhoudelijke |schriftelijke |}reactie.", "Graag {hoor ik {zo spoedig mogelijk|binnenkort|per omgaande} van u|ontvang ik {zo spoedig mogelijk|binnenkort|per omgaande} uw reactie}.", "Ik hoop dat u {hier iets mee doet|dit serieus neemt|dit oppakt}.", "Ik {overweeg|ben van plan} {de Ombudsman|de Nationale ombudsman|de gemeentelijke ombudsman} in te schakelen als dit {niet wordt opgelost|zo doorgaat}."],
    "klacht_groet": ["Met vriendelijke groet,", "Met vriendelijke groeten,", "Hoogachtend,", "Vriendelijke groet,", "Groet,", "Mvg,"],
    "boos_open": ["Dit is {nu|inmiddels|alweer} de {derde|vierde|zoveelste} keer dat ik {hierover |}{bel|mail|een klacht indien}{!|.}", "{IK BEN HET ZAT|Ik ben het echt zat|Genoeg is genoeg}{!|!!|.}", "{Waarom|Hoe kan het} dat <gemeente> {hier niets aan doet|dit laat gebeuren|niet luistert}{?|??|?!}", "Ik ben {echt|werkelijk|} <boos>."],
    "boos_close": ["{Doe er wat aan|Los het op|Regel het nou eens}{!|!!|.}", "Dit {kan|mag} zo niet langer{!|.}", "{Ik betaal|We betalen} {hier|gewoon} belasting voor{!|.}", "Ik {verwacht|eis} een reactie{!|.}", "Wat een {amateurs|instantie|zooi}{!|.}", "Dit is <belachelijk>{!|.}"],
    # call-back note frames
    "tb_open": ["{Klt|klt|Klant|klant} belt {ivm|i.v.m.|over|nav|n.a.v.} <np>.", "{Mw.|mw.|Mw|mw|Dhr.|dhr.|Dhr|dhr} belt {ivm|i.v.m.|over|nav} <np>.", "{Klt|klt|Klant} {heeft vraag over|vraagt naar|belt voor} <np>.", "Terugbelverzoek {ivm|i.v.m.|mbt|m.b.t.} <np>.", "TBV {ivm|mbt} <np>."],
    "tb_subj": ["{Klt|klt|Klant}", "{Mw.|mw.|Mw}", "{Dhr.|dhr.|Dhr}", "{Klt|klt}", "Beller"],
    "tb_req": ["{Graag|Verzoek|Svp|S.v.p.} {terugbellen|tb|terugbelen|contact opnemen}", "{Verzoek om|Graag} {terugbelverzoek|terugbelafspraak} {naar|voor} {vakafdeling|afdeling|behandelaar|backoffice}", "Wil {graag |}{teruggebeld worden|tb|dat iemand terugbelt}", "Doorgezet naar {backoffice|2e lijn|vakafdeling|behandelaar}"],
    "tb_when": ["z.s.m.", "zsm", "{vandaag|morgen} {voor|na} {12|13|14|16} uur", "{ma|di|wo|do|vr|}{ochtend|middag}", "binnen {2|3|5} werkdagen", "{voor|na} {10|11|15} uur", "liefst {ochtend|middag}"],
    "tb_close": ["{Klt|Klant} {geïnformeerd|geinformeerd} over {termijn|afhandeltermijn} {van |}{2|3|5} werkdagen.", "{Klt|Klant} is {erg |}{boos|ontstemd|ongerust|geïrriteerd}.", "Klt {al|reeds} {2x|3x|meerdere keren} {gebeld|teruggebeld} hierover.", "{Klt|Klant} {heeft|had} geen {brief|mail|bevestiging} ontvangen.", "Niet verder kunnen helpen{ in 1e lijn|}.", "Zie {eerdere|vorige} notitie.", "Vraag kon niet direct beantwoord worden.", "{Let op|NB}: klt {slechthorend|spreekt slecht Nederlands|is laaggeletterd}."],
    # interview frames
    "iv_persoon": ["bewoner", "bewoonster", "ondernemer", "oudere bewoner", "jonge moeder", "vader van twee kinderen", "mantelzorger", "vrijwilliger", "buurtbewoner", "winkelier"],
    "iv_leeftijd": ["{ca. |circa |ongeveer |}{25|30|35|40|45|50|55|60|65|70|75|80} jaar", "{jaren |}{20|30|40|50|60|70|80}", "leeftijd onbekend"],
    "iv_open": ["Gesprek met <iv_persoon> (<iv_leeftijd>).", "Interview met <iv_persoon> in {de buurt|het buurthuis|de wijk|de bibliotheek}.", "Huisbezoek {bij|aan} <iv_persoon>.", "{Gesprek|Gesprekje} {op straat|op het plein|bij de stadswinkel|in het wijkcentrum} met <iv_persoon>.", "Notities gesprek <iv_persoon> ({telefonisch|aan huis|in het wijkcentrum})."],
    "iv_link": ["Daarnaast:", "Verder:", "Ook:", "Tweede punt:", "Wat ook speelt:", "Noemt ook:", "Ander onderwerp:", "-"],
    "iv_subj": ["Bewoner:", "Bw.:", "Geeft aan:", "Bewoner geeft aan:", "Noemt:", "Punt:", "Bewoner zegt:"],
    "iv_quote": ["Letterlijk: \"<k>\".", "Citaat: \"<k>\"", "\"<k>\", aldus <iv_persoon>.", "Zegt: \"<k>\"."],
    "iv_pos": ["Positief over <np>: \"<p>\".", "Wel tevreden: <p>.", "Compliment: <p>."],
    "iv_close": ["Afgesproken om {terug te koppelen|contact op te nemen} {binnen twee weken|na overleg met de afdeling|als er nieuws is}.", "Actie: doorzetten naar {de afdeling|het wijknetwerk|de wijkregisseur|de behandelaar}.", "Bewoner wil graag {op de hoogte blijven|betrokken worden bij een oplossing}.", "Geen vervolgactie nodig.", "Tip van bewoner: {meer uitleg in gewone taal|sneller reageren|vaker langskomen in de wijk|beter bereikbaar zijn}.", "Sfeer van het gesprek: {open|gespannen|constructief|emotioneel}."],
}

# PII carrier phrases, by source (used by frames; $-slots become recorded spans)
PII_RULES: dict[str, list[str]] = {
    "pii_tel_kto": ["Bel me {maar |gerust |}op $TEL.", "Mijn nummer is $TEL.", "Bereikbaar op $TEL.", "Tel $TEL."],
    "pii_mail_kto": ["Mail mij {maar |}op $EMAIL.", "Mijn e-mailadres is $EMAIL.", "Reageer via $EMAIL."],
    "pii_naam_kto": ["{Ik werd geholpen door|Ik sprak met|De medewerker heette} {mevrouw|meneer|} $NAAM.", "Groet, $VOLNAAM", "$VOORNAAM {was|is} {top|geweldig|echt vriendelijk}!", "Ik heb {mw.|dhr.|mevrouw|meneer} $ACHTERNAAM gesproken."],
    "pii_tb_naam": ["tnv {mw.|dhr.|mw|dhr} $ACHTERNAAM", "tnv $VOLNAAM", "{Mw.|Dhr.} $INITNAAM", "{Klt|Klant} $VOLNAAM"],
    "pii_tb_tel": ["tel. $TEL", "tel $TEL", "tel.nr. $TEL", "op $TEL", "nr. $TEL", "bereikbaar op $TEL", "tel: $TEL"],
    "pii_tb_extra": ["BSN $BSN", "bsn: $BSN", "geb. $GEBDAT", "geb.dat. $GEBDAT", "adres: $PCNR", "pc $PC", "$ADRES", "mail: $EMAIL", "e-mail $EMAIL", "kenteken $KENTEKEN", "IBAN $IBAN", "klantnr/BSN $BSN"],
    "pii_klacht_sig": ["$VOLNAAM\n$ADRES\n$PC Rotterdam", "$INITNAAM\n$ADRES, $PC {Rotterdam|ROTTERDAM}", "$VOLNAAM\nTel.: $TEL", "$VOLNAAM\n$TEL\n$EMAIL", "$INITNAAM", "{Mw.|Dhr.|Mevr.} $INITNAAM\n$ADRES\n$PC Rotterdam\n$TEL", "$VOLNAAM ({geb.|geboren} $GEBDAT)"],
    "pii_klacht_body": ["Mijn BSN is $BSN.", "Ik ben bereikbaar op $TEL.", "U kunt mij bereiken via $EMAIL of $TEL.", "Het gaat om mijn adres $ADRES.", "Mijn {klantnummer|BSN} is $BSN.", "Ik woon op de $ADRES ($PC).", "Ik ben geboren op $GEBDAT."],
    "pii_iv": ["Bewoner heet $VOLNAAM{, woont|, adres} $ADRES.", "Contactpersoon: $VOLNAAM, $TEL.", "Wil teruggebeld worden op $TEL.", "Naam bewoner: $VOLNAAM."],
}

# Subject-specific PII phrases (pii key in a subcategory -> rule)
PII_TOPIC_RULES: dict[str, dict[str, list[str]]] = {
    "kenteken": {"kto": ["Mijn kenteken is $KENTEKEN.", "Het gaat om {kenteken|auto} $KENTEKEN."],
                 "klacht": ["Het gaat om mijn auto met kenteken $KENTEKEN.", "Kenteken: $KENTEKEN.", "De {boete|naheffing} is opgelegd aan $KENTEKEN."],
                 "tb": ["kenteken $KENTEKEN", "kent. $KENTEKEN", "auto $KENTEKEN"]},
    "iban": {"kto": ["Mijn rekeningnummer is $IBAN."],
             "klacht": ["{Het bedrag|Het geld} {is|werd} afgeschreven van {rekening|mijn rekening} $IBAN.", "Mijn IBAN is $IBAN.", "Graag terugstorten op $IBAN."],
             "tb": ["IBAN $IBAN", "rek.nr. $IBAN", "rekening $IBAN", "terugstorten op $IBAN"]},
    "bsn": {"kto": ["Mijn BSN is $BSN."],
            "klacht": ["Mijn BSN is $BSN.", "Burgerservicenummer: $BSN."],
            "tb": ["BSN $BSN", "bsn $BSN", "BSN: $BSN"]},
    "adres": {"kto": ["Het gaat om de $ADRES.", "Bij ons voor de deur ($ADRES)."],
              "klacht": ["Het gaat om de situatie bij $ADRES.", "Ter hoogte van $ADRES.", "Locatie: $ADRES, $PC."],
              "tb": ["locatie $ADRES", "bij $ADRES", "t.h.v. $ADRES", "adres $PCNR"]},
    "gebdat": {"kto": ["Ik ben van $GEBDAT."],
               "klacht": ["Mijn geboortedatum is $GEBDAT.", "Geboren op $GEBDAT."],
               "tb": ["geb. $GEBDAT", "gebdat $GEBDAT", "geb.datum $GEBDAT"]},
}

# ----------------------------------------------------------------------------- subcategories
S: dict[str, dict[str, list[str]]] = {}

S["parkeren/parkeervergunning"] = dict(
    np=["mijn parkeervergunning", "de {bewonersvergunning|parkeervergunning}", "mijn aanvraag voor een {parkeervergunning|bewonersvergunning}", "de bezoekersregeling"],
    k=["ik wacht <al_lang> op mijn {parkeervergunning|bewonersvergunning}", "de {parkeervergunning|vergunning} is {nog steeds niet|niet} {verlengd|geactiveerd|omgezet naar mijn nieuwe auto}", "ik krijg geen {parkeervergunning|vergunning} omdat {de wachtlijst|de wachtlijst in onze straat} {te lang|vol} is", "de bezoekersregeling {werkt niet|doet het niet} {in de app|online} en nu krijgt mijn bezoek {een boete|boetes}"],
    v=["<wil_weten> hoe ik een {parkeervergunning|bewonersvergunning} {aanvraag|kan aanvragen}", "<wil_weten> of mijn {parkeervergunning|vergunning} {al is verlengd|overgezet kan worden op mijn nieuwe auto}", "hoe werkt de bezoekersregeling {precies|eigenlijk}?"],
    p=["mijn {parkeervergunning|bewonersvergunning} was {binnen een week|<snel>} geregeld", "de medewerker heeft mijn vergunning {direct|meteen} omgezet naar mijn nieuwe auto"],
    n=["wil {parkeervergunning|pv|bewonersvergunning} aanvragen", "vraagt naar status aanvraag {parkeervergunning|bewonersvergunning}", "nieuwe auto, wil {vergunning|pv} {omzetten|overzetten}", "bezoekersregeling werkt niet{ in app|}", "wacht <wkn> op {vergunning|pv}"],
    pii=["kenteken"],
)
S["parkeren/parkeerboete"] = dict(
    np=["{de|een} {parkeerboete|naheffingsaanslag|naheffing}", "de {bekeuring|boete} voor {parkeren|mijn auto}", "mijn bezwaar tegen de naheffing"],
    k=["ik heb {onterecht |}een {parkeerboete|naheffing|boete} gekregen{ terwijl ik gewoon betaald had| terwijl de automaat kapot was| terwijl ik een vergunning heb|}", "mijn bezwaar tegen de {naheffing|parkeerboete} is <al_lang> {niet behandeld|in behandeling}", "{ik moet|moet ik} {ruim €|€}{60|70|75|78,40|80} betalen voor {twee minuten|vijf minuten|een paar minuten} te laat", "de {handhaver|parkeercontroleur} {wilde niet luisteren|was {onbeschoft|arrogant}} en schreef {toch|gewoon} een {boete|naheffing} uit"],
    v=["<wil_weten> hoe ik bezwaar {maak|kan maken} tegen een {naheffing|parkeerboete}", "kan ik de naheffing in termijnen betalen?", "<wil_weten> waarom ik een {naheffing|boete} kreeg{ terwijl ik een vergunning heb|}"],
    p=["mijn bezwaar tegen de {naheffing|boete} is {snel|binnen twee weken} {toegekend|behandeld}{, keurig|}", "de {parkeerboete|naheffing} is {netjes|zonder gedoe} {ingetrokken|kwijtgescholden}"],
    n=["{wil|gaat} bezwaar maken tegen naheffing", "heeft {naheffing|boete} ontvangen{, vindt onterecht|, was aan het laden en lossen|, automaat was kapot}", "vraagt naar status bezwaar {naheffing|parkeerboete}", "wil {naheffing|boete} betalen maar {kan niet in 1x|heeft acceptgiro kwijt}"],
    pii=["kenteken"],
)
S["parkeren/parkeerautomaat"] = dict(
    np=["de parkeerautomaat", "{het betalen van parkeren|parkeren betalen}", "de {parkeerapp|app voor parkeren}"],
    k=["de parkeerautomaat {in onze straat |op het plein |}{is al dagen kapot|accepteert geen pinpas|doet het niet|geeft een storing}", "betalen via de {app|parkeerapp} {lukt niet|werkt niet|gaat steeds mis} en {toch krijg ik|ik krijg {toch |}}een {boete|naheffing}", "er is {geen enkele|geen} automaat {die werkt|waar je contant kunt betalen} in de buurt"],
    v=["<wil_weten> waar ik kan betalen {nu de automaat kapot is|als ik geen app heb}", "kan ik ook contant betalen voor parkeren?"],
    p=["de kapotte parkeerautomaat werd {snel|binnen een dag} {gerepareerd|vervangen}"],
    n=["meldt {kapotte|defecte} parkeerautomaat{ <adres_kort>|}", "kan niet betalen {bij|via} {automaat|app}", "automaat {neemt geen pin|geeft storing}"],
    pii=["adres"],
)
S["parkeren/foutparkeren"] = dict(
    np=["{foutparkeerders|foutgeparkeerde auto's} in {onze straat|de buurt}", "de {auto's|busjes} op de stoep", "{de|onze} invalidenparkeerplaats"],
    k=["er {staan|parkeren} {elke dag|constant|steeds} {auto's|busjes|bestelbussen} op de stoep{ en ik kan er met de rolstoel niet langs| en de kinderwagen kan er niet langs|}", "{iemand|een buurman} {parkeert|staat} {steeds|elke avond} op {mijn|de} invalidenparkeerplaats en er wordt niks aan gedaan", "ik heb {al <aantal> keer|meerdere keren} {foutparkeerders|foutparkeren} gemeld maar {er komt nooit handhaving|niemand komt kijken}"],
    v=["<wil_weten> {hoe|waar} ik foutparkeerders kan melden", "mag {een|mijn buurman met zijn} busje zomaar op de stoep {staan|parkeren}?"],
    p=["na mijn melding over {foutparkeerders|de auto's op de stoep} {kwam handhaving {dezelfde dag|snel} langs|werd er {dezelfde dag|snel} gecontroleerd}"],
    n=["meldt foutparkeerders {op stoep|bij school|in straat}", "auto staat {al <dagen>|steeds} op {invalidenplaats|gehandicaptenplaats}", "wil handhaving ivm foutparkeren"],
    pii=["kenteken", "adres"],
)
S["afval/grofvuil"] = dict(
    np=["{het|mijn} grofvuil", "de {grofvuilafspraak|afspraak voor grofvuil}", "het ophalen van {mijn|het} grofvuil"],
    k=["{mijn|het} grofvuil is {niet opgehaald|nog steeds niet opgehaald|vergeten} {terwijl ik een afspraak had|op de afgesproken dag|}", "ik kan {pas over|pas na} <weken> een afspraak voor grofvuil maken", "{ze|de ophaaldienst} {namen|hebben} maar de helft {van het grofvuil |}mee{ en de rest staat nog op straat|}"],
    v=["<wil_weten> hoe ik een afspraak voor grofvuil maak", "<wil_weten> {wanneer|of} mijn grofvuil {wordt|word} opgehaald", "mag een {matras|bank|kast} ook bij het grofvuil?"],
    p=["{mijn|het} grofvuil werd {keurig|netjes} op de afgesproken dag opgehaald", "afspraak voor grofvuil {was|is} {makkelijk|snel} gemaakt {online|via de website|}"],
    n=["wil {afspraak|afspr.} grofvuil {maken|inplannen}", "grofvuil {niet opgehaald|vergeten} {op afspraakdag|<dagen> geleden}", "vraagt {wanneer|of} grofvuil {wordt opgehaald|alsnog komt}", "{bank|matras|kast} {niet meegenomen|blijven staan}"],
    pii=["adres"],
)
S["afval/container"] = dict(
    np=["de {container|ondergrondse container|afvalcontainer}", "de {container|bak} bij {ons|mij} in de straat", "mijn {afvalpas|containerpas}"],
    k=["de {ondergrondse |}container {zit|is} <al_lang> {vol|overvol|propvol}", "de {klep van de container|container} is {kapot|stuk|vastgelopen} en niemand {repareert het|komt het maken}", "mijn {afvalpas|pas} werkt niet {bij de container|meer} en ik {wacht|moet wachten} <al_lang> op een nieuwe"],
    v=["<wil_weten> {wanneer|of} de container {geleegd|gerepareerd} wordt", "hoe {kom ik aan|vraag ik} een nieuwe {afvalpas|containerpas}?"],
    p=["de kapotte container {is|werd} {snel|binnen twee dagen} {gerepareerd|vervangen}", "ik kreeg {snel|binnen een week} een nieuwe {afvalpas|pas}"],
    n=["meldt {volle|overvolle|kapotte} container {<adres_kort>|in straat|}", "{afvalpas|pas} werkt niet, wil nieuwe", "container {al <dagen>|<wkn>} niet geleegd", "klep container {kapot|klemt}"],
    pii=["adres"],
)
S["afval/zwerfafval"] = dict(
    np=["het zwerfafval {in de straat|in de buurt|op het plein}", "de {vuilniszakken|bijplaatsingen} naast de container", "de troep op straat"],
    k=["overal {liggen|staan} vuilniszakken naast de container en {het stinkt|de ratten komen erop af|de meeuwen trekken ze open}", "de straat ligt {vol|bezaaid met} {troep|zwerfafval|rommel} en er wordt {nooit|bijna nooit} geveegd", "{mensen|buren} dumpen {hun|} {afval|rommel|matrassen} {op straat|naast de container} en {er|niemand} {gebeurt|doet} niks"],
    v=["<wil_weten> {wie|of iemand} de {vuilniszakken|rommel} naast de container {komt opruimen|weghaalt}", "kan er vaker geveegd worden in {onze straat|de buurt}?"],
    p=["na mijn melding werd de rommel {dezelfde dag|snel|meteen} opgeruimd", "de straat wordt {tegenwoordig|nu} {netjes|goed} schoongehouden"],
    n=["meldt {zwerfafval|bijplaatsingen|vuilniszakken naast container}", "{afval|rommel} gedumpt {<adres_kort>|bij container|in portiek}", "{ratten|meeuwen} {bij|op} vuilniszakken"],
    pii=["adres"],
)
S["afval/afvalinzameling"] = dict(
    np=["{het ophalen van|de inzameling van} {het afval|de minicontainer|het papier|het gft}", "de ophaaldag", "de {minicontainer|groene container|papierbak}"],
    k=["{de minicontainer|ons gft|het papier} is {alweer|weer|<al_lang>} niet opgehaald", "de ophaaldag is {veranderd|verschoven} {zonder dat we bericht kregen|zonder bericht}", "de vuilniswagen {slaat onze straat over|komt niet door onze straat}"],
    v=["<wil_weten> {welke dag|wanneer} {het papier|het gft|de minicontainer} {opgehaald wordt|wordt opgehaald}", "waar kan ik {glas|papier|textiel} kwijt?"],
    p=["de inzameling {loopt|gaat} {prima|goed|keurig}{, altijd op tijd|}"],
    n=["{minicontainer|gft|papier} niet {opgehaald|geleegd}", "vraagt naar ophaaldag {papier|gft|restafval}", "ophaaldag veranderd, {geen|niet} {bericht|geïnformeerd}"],
    pii=["adres"],
)
S["openbare_ruimte/straatverlichting"] = dict(
    np=["de straatverlichting", "de lantaarnpaal {voor mijn deur|in onze straat|bij het fietspad}"],
    k=["de {lantaarnpaal|straatverlichting} {in onze straat |bij het fietspad |}is <al_lang> {kapot|uit} en het is {'s avonds |}{pikkedonker|aardedonker}", "ik heb {al <aantal> keer|meerdere keren} gemeld dat de {lamp|verlichting} het niet doet{ maar er gebeurt niks|}", "{het|de straat} is zo donker dat {ik|mijn dochter} {'s avonds |}niet {meer |}{over straat durf|durft}"],
    v=["<wil_weten> wanneer de {lantaarnpaal|straatverlichting} {gerepareerd|gemaakt} wordt"],
    p=["de kapotte lantaarnpaal werd {snel|binnen een paar dagen} gerepareerd"],
    n=["meldt {kapotte|defecte} {lantaarnpaal|straatverlichting}{ <adres_kort>|}", "verlichting {fietspad|straat} {al <dagen>|<wkn>} uit"],
    pii=["adres"],
)
S["openbare_ruimte/bestrating"] = dict(
    np=["de {losliggende |scheve |}stoeptegels", "de bestrating {in onze straat|voor mijn huis}", "het gat in de weg"],
    k=["de stoeptegels {liggen|zitten} {los|scheef} en {ik|mijn moeder|een buurvrouw} {ben|is} {gevallen|erover gestruikeld}", "er zit {al maanden|<al_lang>} een {groot |}gat in {de weg|het fietspad|de stoep}", "de stoep is {zo verzakt|zo slecht} dat je er met {een rollator|de kinderwagen|een scootmobiel} niet {meer |}over kunt"],
    v=["<wil_weten> wanneer de {stoep|bestrating} {hersteld|gerepareerd} wordt", "wie is er aansprakelijk als je over een losse stoeptegel valt?"],
    p=["de losse stoeptegels zijn {netjes|snel} {rechtgelegd|hersteld}"],
    n=["meldt {losliggende|scheve} stoeptegels{ <adres_kort>|}", "gat in {weg|fietspad|stoep}, {gevaarlijk|al iemand gevallen}", "verzakking {stoep|bestrating}"],
    pii=["adres"],
)
S["openbare_ruimte/groen"] = dict(
    np=["{het groen|de bomen|het gras|de struiken} in {onze straat|het park|de buurt}", "het {snoeien|maaien|onderhoud van het groen}"],
    k=["de {bomen|struiken} {zijn|worden} {al jaren|nooit} niet gesnoeid en {hangen over de stoep|nemen al het licht weg}", "het gras {wordt|word} {bijna nooit|te weinig} gemaaid{ en staat kniehoog|}", "er {ligt|liggen} {al weken|<al_lang>} {een omgewaaide boom|grote takken} {op het pad|op de stoep}"],
    v=["<wil_weten> wanneer {de bomen gesnoeid worden|er gemaaid wordt}", "mag ik zelf {de boom|de struiken} voor mijn huis snoeien?"],
    p=["het park {ligt er {prachtig|mooi|goed verzorgd} bij|ziet er {prachtig|mooi|goed verzorgd} uit}", "de {boom|takken} {werd|werden} {snel|dezelfde dag} weggehaald"],
    n=["verzoek {snoeien|maaien}{ <adres_kort>|}", "{boom|tak} {omgewaaid|gevallen} {op stoep|op pad|tegen gevel}", "onkruid en overhangend groen"],
    pii=["adres"],
)
S["openbare_ruimte/gladheid"] = dict(
    np=["het strooien {bij gladheid|tegen gladheid|}", "de {gladheid|ijzel} op {de fietspaden|de stoep|onze straat}", "het strooibeleid"],
    k=["er is {weer |}niet gestrooid {op het fietspad|in onze straat|op de stoep} en {ik ben|mijn buurvrouw is|mensen zijn} {gevallen|uitgegleden}", "{bij|met} deze {gladheid|ijzel|sneeuw} {worden|word} {alleen de hoofdwegen|alleen de grote wegen} gestrooid{, de woonstraten zijn een ijsbaan|}", "het {fietspad|trottoir} {is|was} {spiegelglad|een ijsbaan} en de strooiwagen {kwam pas 's middags|kwam niet}"],
    v=["<wil_weten> {wanneer|of} {onze straat|het fietspad} {gestrooid|gepekeld} wordt", "kan ik {ergens|bij de gemeente} {strooizout|pekel} halen?"],
    p=["{ondanks de sneeuw|bij de ijzel} {was|werd} {er|het fietspad} {vroeg|op tijd|keurig} gestrooid"],
    n=["meldt gladheid {fietspad|stoep|straat}{ <adres_kort>|}, niet gestrooid", "vraagt om strooien {ivm|i.v.m.} {ijzel|sneeuw}", "{moeder|buurman|klt zelf} uitgegleden {ivm|door} gladheid"],
    pii=["adres"],
)
S["openbare_ruimte/speelplaats"] = dict(
    np=["de speeltuin {in de buurt|achter ons huis|in het park}", "het {speeltoestel|klimrek|de glijbaan}"],
    k=["het {speeltoestel|klimrek|de schommel} in de speeltuin is {al maanden|<al_lang>} kapot{ en afgezet met lint|}", "de speeltuin {ligt vol|zit vol met} {glas|hondenpoep|rommel} en de kinderen kunnen er niet spelen", "er is {geen enkele|geen} {speelplek|speeltuin} voor {jonge kinderen|peuters} in {onze wijk|de buurt}"],
    v=["<wil_weten> {of|wanneer} de speeltuin {opgeknapt|vernieuwd} wordt"],
    p=["de nieuwe speeltuin is {echt |}{prachtig|geweldig|super} geworden{, de kinderen zijn er blij mee|}"],
    n=["meldt kapot speeltoestel {in speeltuin|<adres_kort>}", "glas in speeltuin", "vraagt naar {renovatie|opknappen} speeltuin"],
    pii=[],
)
S["overlast/geluidsoverlast"] = dict(
    np=["de geluidsoverlast {van de buren|in de straat|'s nachts}", "het lawaai {van de bovenburen|van het café|op straat}"],
    k=["de {buren|bovenburen|onderburen} {maken|draaien} {elke nacht|elk weekend|tot diep in de nacht} {harde muziek|lawaai|herrie}", "ik kan {al <weken>|al maanden} niet slapen door {het lawaai|de herrie} van {het café|de shishalounge|de buren}", "ik heb {al <aantal> keer|zo vaak} gebeld over {de herrie|het lawaai} maar {er komt nooit iemand|handhaving komt niet}"],
    v=["<wil_weten> waar ik geluidsoverlast {kan|moet} melden", "wat kan de gemeente doen tegen {lawaai|geluidsoverlast} van {buren|een café}?"],
    p=["{handhaving|de wijkagent|de wijkboa} heeft {goed|snel} opgetreden tegen {de herrie|het lawaai}{ en het is nu rustig|}"],
    n=["meldt geluidsoverlast {buren|bovenburen|café|feest} {'s nachts|in weekend}", "overlast muziek {al <wkn>|elke nacht}", "wil {handhaving|melding} ivm {lawaai|herrie}"],
    pii=["adres"],
)
S["overlast/barbecue"] = dict(
    np=["de {barbecues|bbq's} in het park", "het barbecueën {op het grasveld|in het park|op het balkon van de buren}", "de {rook|stank} van de {barbecues|bbq}"],
    k=["{elke|iedere} {avond|zondag|warme dag} {staan|zijn} er {tientallen |}{groepen|mensen|families} te barbecueën {in het park|op het grasveld|bij de plas} en {de rook trekt ons huis in|het stinkt|ze laten alles achter}", "{de buren|de bovenburen} {barbecuen|bbq-en|staan te barbecueën} {elke avond|steeds} op het balkon en {alle rook|de stank} {komt|trekt} {bij ons naar binnen|in onze slaapkamer}", "na de {barbecues|bbq's} in het park {liggen|blijven} {overal|} {wegwerpbarbecues|houtskool|vuilniszakken} {achter|in het gras} en {het gras is verbrand|niemand ruimt het op}"],
    v=["<wil_weten> {of|waar} barbecueën {in het park|op het balkon} {is toegestaan|mag}", "{geldt|is er} {een|} barbecueverbod {in het park|bij droogte}?"],
    p=["{de boa's|handhaving} {spraken|spreken} de barbecueërs in het park {netjes|vriendelijk} aan{ en het is veel rustiger|}"],
    n=["overlast {barbecue|bbq} {in park|op grasveld|balkon buren}, {rook|stank} in woning", "meldt {bbq|barbecue}-overlast {park|bij plas|<adres_kort>}", "{wegwerpbbq's|houtskool|rommel} achtergelaten na bbq"],
    pii=["adres"],
)
S["overlast/lachgas"] = dict(
    np=["de {lachgascilinders|lachgasflessen|lachgaspatronen} {op straat|in de buurt|in het park}", "het lachgas {in de wijk|op het plein}"],
    k=["overal {liggen|slingeren} {lege |}{lachgascilinders|lachgasflessen|grote flessen lachgas} {op straat|in de bosjes|langs de weg|bij de speeltuin}", "{jongeren|ze} {gebruiken|spuiten} {'s avonds |}lachgas {in hun auto|op het plein|bij de haven} en {laten de cilinders|gooien de flessen} {gewoon |}{achter|op straat}", "{de|die} {roze|grote|blauwe} {lachgasflessen|cilinders} {blijven|liggen} {weken|<al_lang>} {liggen|in de bosjes} en niemand {haalt ze weg|ruimt ze op}"],
    v=["<wil_weten> {waar ik|hoe ik} {lege |}lachgascilinders {kwijt kan|kan melden|moet inleveren}", "mogen {lachgasflessen|lachgascilinders} bij het {restafval|grofvuil}?"],
    p=["de {lachgascilinders|lachgasflessen} {werden|zijn} {snel|dezelfde dag} {opgeruimd|weggehaald} na mijn melding"],
    n=["meldt {achtergelaten|gedumpte} {lachgascilinders|lachgasflessen}{ <adres_kort>| bij speeltuin| in bosjes|}", "{lege |}{lachgasflessen|cilinders} op straat, wil {dat ze worden weggehaald|ophalen}", "vraagt waar {lachgascilinders|lachgasflessen} {heen moeten|ingeleverd kunnen worden}"],
    pii=["adres"],
)
S["overlast/jongerenoverlast"] = dict(
    np=["de {hangjongeren|groep jongeren} {bij het winkelcentrum|in de portiek|op het plein|bij de school}", "de overlast van {jongeren|scooters}"],
    k=["{elke avond|iedere avond|'s avonds laat} {hangt|staat} er een groep jongeren {in onze portiek|bij het winkelcentrum|op het plein} {die|en ze} {schreeuwen|roken|intimideren voorbijgangers}", "de jongeren {racen|scheuren} met {scooters|brommers} door {de straat|het park} en {ik durf|mijn kinderen durven} {niet meer naar buiten|er niet meer langs}", "ik voel me niet {meer |}veilig {in mijn eigen straat|in de portiek} door {de jongeren|die groep}"],
    v=["<wil_weten> wat {de gemeente doet|jullie doen} aan {de hangjongeren|de jongerenoverlast}"],
    p=["het jongerenwerk {doet|deed} {echt |}goed werk{ en het is veel rustiger|}"],
    n=["meldt overlast {hangjongeren|groep jongeren|scooters} {portiek|plein|winkelcentrum}", "voelt zich onveilig ivm jongeren{ <adres_kort>|}"],
    pii=["adres"],
)
S["overlast/hondenoverlast"] = dict(
    np=["de hondenpoep {op de stoep|in het park|op het grasveld}", "de loslopende honden {in het park|in de buurt}"],
    k=["{de stoep|het grasveld|de speelweide} ligt {vol met|bezaaid met} hondenpoep{ en niemand ruimt het op|}", "{er lopen|mensen laten} {steeds|elke dag} honden los {in het park|tussen spelende kinderen} en {mijn kind werd gebeten|er wordt niet gehandhaafd}", "de hond van de buren blaft {de hele dag|dag en nacht}"],
    v=["<wil_weten> waar honden {los mogen lopen|uitgelaten mogen worden}", "hoeveel {is|bedraagt} de hondenbelasting?"],
    p=["het nieuwe {hondenlosloopgebied|uitlaatveld} is {echt |}{top|fijn|super}"],
    n=["meldt hondenpoep{ <adres_kort>| speelveld|}", "loslopende honden {park|speeltuin}, wil handhaving"],
    pii=["adres"],
)
S["belastingen/aanslag"] = dict(
    np=["{de|mijn} aanslag {gemeentelijke belastingen|gemeentelijke heffingen|afvalstoffenheffing}", "het aanslagbiljet", "de {afvalstoffenheffing|rioolheffing}"],
    k=["de aanslag {is|was} {veel te hoog|hoger dan vorig jaar|niet te begrijpen}{ terwijl ik alleen woon|}", "ik {moet|moest} afvalstoffenheffing betalen {voor een meerpersoonshuishouden|voor twee adressen|terwijl ik verhuisd ben}", "ik {heb|had} de aanslag {nooit|niet} ontvangen en {nu krijg|kreeg} ik {meteen |}een aanmaning"],
    v=["<wil_weten> waarom de aanslag {zo hoog is|hoger is dan vorig jaar}", "<wil_weten> {hoe de afvalstoffenheffing is berekend|waarvoor ik precies betaal}", "ik heb de aanslag ontvangen, {wanneer moet ik betalen|kan ik in termijnen betalen}?"],
    p=["de {vraag over de aanslag|aanslag} werd {duidelijk|goed} uitgelegd", "mijn aanslag {werd|is} {snel|meteen} {gecorrigeerd|aangepast}"],
    n=["vraag over aanslag {gem. belastingen|gemeentelijke belastingen|afvalstoffenheffing}", "{vindt aanslag te hoog|aanslag te hoog}, {wil uitleg|wil bezwaar maken}", "aanslag {niet ontvangen|kwijt}, wil {kopie|duplicaat}", "aanslag op {verkeerde naam|oud adres}"],
    pii=["bsn", "iban"],
)
S["belastingen/woz"] = dict(
    np=["de WOZ-waarde {van mijn woning|van ons huis|}", "mijn bezwaar tegen de WOZ-{waarde|beschikking}"],
    k=["de WOZ-waarde van mijn {huis|woning} is {veel te hoog|met 15% gestegen|hoger dan de verkoopprijs}", "mijn bezwaar tegen de WOZ-waarde is <al_lang> {niet behandeld|in behandeling}{ en ik hoor niks|}", "een {bureau|no-cure-no-pay bureau} {heeft|had} bezwaar gemaakt en nu {klopt er niks meer van|weet ik niet waar ik sta}"],
    v=["<wil_weten> hoe de WOZ-waarde {is berekend|tot stand komt}", "hoe maak ik bezwaar tegen {de WOZ-waarde|de WOZ-beschikking}?"],
    p=["mijn bezwaar tegen de WOZ-waarde werd {snel|binnen een maand} {en goed |}behandeld", "de taxateur heeft {duidelijk|goed} uitgelegd hoe de WOZ-waarde is bepaald"],
    n=["wil bezwaar maken tegen WOZ-{waarde|beschikking}", "vraagt {naar|om} taxatieverslag WOZ", "status bezwaar WOZ{, ingediend <wkn> geleden|}"],
    pii=["bsn"],
)
S["belastingen/kwijtschelding"] = dict(
    np=["mijn {verzoek om|aanvraag voor} kwijtschelding", "de kwijtschelding {van de gemeentelijke belastingen|}"],
    k=["mijn kwijtschelding is {afgewezen|geweigerd} terwijl ik {van een bijstandsuitkering|van de AOW|van heel weinig} leef", "ik {heb|had} <al_lang> kwijtschelding aangevraagd en {hoor|hoorde} {niks|niets}", "ik moet {alle|steeds weer} {bankafschriften|papieren} opsturen voor kwijtschelding{, elk jaar opnieuw|}"],
    v=["<wil_weten> of ik {recht heb op|in aanmerking kom voor} kwijtschelding", "hoe vraag ik kwijtschelding aan?"],
    p=["mijn kwijtschelding werd {automatisch|snel} {toegekend|geregeld}"],
    n=["wil kwijtschelding aanvragen", "kwijtschelding afgewezen, {wil uitleg|wil bezwaar}", "vraagt naar status kwijtschelding"],
    pii=["bsn"],
)
S["belastingen/incasso"] = dict(
    np=["de automatische incasso {van de belastingen|}", "de {afschrijving|afschrijvingen} van {de gemeentelijke belastingen|de aanslag}"],
    k=["er {is|werd} {twee keer|dubbel|te veel} afgeschreven {van mijn rekening|voor de aanslag}", "mijn automatische incasso is {gestopt|niet doorgegaan} {zonder bericht|en nu krijg ik een aanmaning}", "ik heb {de machtiging|de incasso} {ingetrokken|stopgezet} maar er wordt {nog steeds|gewoon} afgeschreven"],
    v=["<wil_weten> hoe ik automatische incasso {aanvraag|regel} voor de belastingen", "kan ik {de incasso|het aantal termijnen} wijzigen?"],
    p=["{de dubbele afschrijving|het te veel betaalde bedrag} {werd|is} {snel|binnen een week} teruggestort"],
    n=["{dubbele|onterechte} afschrijving {aanslag|belastingen}", "wil automatische incasso {aanvragen|stoppen|wijzigen}", "incasso {mislukt|gestorneerd}"],
    pii=["iban"],
)
S["betalingsregeling/regeling_aanvragen"] = dict(
    np=["een betalingsregeling", "{mijn|de} {aanvraag voor een betalingsregeling|betalingsregeling}", "het betalen in termijnen"],
    k=["ik {wilde|wil} een betalingsregeling {treffen|afspreken} maar {word|werd|wordt} {steeds |}{doorverbonden|teruggebeld|van het kastje naar de muur gestuurd}", "ik wacht <al_lang> op {een reactie op|antwoord over} mijn {verzoek om een betalingsregeling|betalingsregeling}{ en intussen lopen de kosten op|}", "{je kunt|ik kon} {geen|niet eens een} betalingsregeling {aanvragen|regelen} {via de website|online|aan de telefoon}{, alleen terugbellen|}"],
    v=["<wil_weten> {of|hoe} ik een betalingsregeling kan {treffen|aanvragen}", "kan ik de aanslag in {meer|10|12} termijnen betalen?"],
    p=["de betalingsregeling {was|werd} {direct|meteen|in één gesprek|binnen vijf minuten} {geregeld|getroffen}{ aan de telefoon|}", "{fijn|prettig} dat ik {meteen|direct} een betalingsregeling kon {afspreken|treffen}"],
    n=["wil betalingsregeling {treffen|aanvragen|afspreken} {voor aanslag|ivm aanslag|}", "verzoek betalingsregeling {gem. belastingen|aanslag|naheffing}", "kan {aanslag|bedrag} niet in 1x betalen, wil {regeling|BR}", "vraagt naar {status|beoordeling} betalingsregeling"],
    pii=["iban", "bsn"],
)
S["betalingsregeling/aanmaning"] = dict(
    np=["de {aanmaning|herinnering|dwangbevel}", "de aanmaning {voor de belastingen|die ik kreeg}"],
    k=["ik kreeg een {aanmaning|dwangbevel} {met extra kosten |}terwijl ik {al een regeling had|gewoon betaald had|de aanslag nooit ontvangen heb}", "{de|er staat} {deurwaarder|een deurwaarder} {voor de deur|op de stoep} {terwijl|en} ik {heb|had} {al|nog} {gebeld|gemaild} over een regeling", "{de kosten van de aanmaning|de aanmaningskosten} {zijn|waren} <belachelijk>"],
    v=["<wil_weten> waarom ik een aanmaning {heb gekregen|kreeg}", "kan ik de aanmaningskosten {laten vervallen|terugkrijgen}?"],
    p=["de aanmaningskosten {werden|zijn} {netjes|} {kwijtgescholden|teruggedraaid} {na mijn telefoontje|}"],
    n=["heeft aanmaning ontvangen{, aanslag nooit gehad| terwijl regeling loopt|}", "dwangbevel ontvangen, {wil regeling|schrikt|is boos}", "wil aanmaningskosten {kwijtschelden|laten vervallen}"],
    pii=["iban", "bsn"],
)
S["betalingsregeling/regeling_wijzigen"] = dict(
    np=["mijn {lopende |}betalingsregeling", "de termijnen van {de|mijn} regeling"],
    k=["ik heb {één|1|een} termijn gemist en nu is {mijn hele regeling|de regeling} {stopgezet|vervallen}", "ik {wil|wilde} het bedrag per termijn {verlagen|aanpassen} maar {niemand belt terug|dat kon niet}"],
    v=["<wil_weten> of ik de termijnen van mijn betalingsregeling {kan aanpassen|kan verlagen|kan verschuiven}", "wat gebeurt er als ik een termijn {mis|niet kan betalen}?"],
    p=["mijn regeling werd {zonder gedoe|direct|meteen} aangepast"],
    n=["termijn gemist, {regeling vervallen|wil regeling behouden}", "wil {termijnbedrag|termijnen} {verlagen|aanpassen}", "regeling loopt, vraagt naar {restant|openstaand bedrag}"],
    pii=["iban", "bsn"],
)
S["werk_inkomen/bijstand_aanvraag"] = dict(
    np=["mijn {bijstandsaanvraag|aanvraag voor bijstand|aanvraag bijstandsuitkering}", "de bijstand"],
    k=["ik {heb|had} <al_lang> bijstand aangevraagd en {heb nog steeds geen besluit|hoor niks}{ terwijl ik geen inkomen heb|}", "ik moet {steeds weer|telkens} {nieuwe|dezelfde} {bewijsstukken|papieren|bankafschriften} {opsturen|aanleveren} voor de bijstand", "mijn {bijstandsaanvraag|aanvraag} is {afgewezen|buiten behandeling gesteld} {zonder uitleg|omdat ik een formulier te laat had}"],
    v=["<wil_weten> {hoe ik bijstand aanvraag|wanneer ik een besluit krijg over mijn bijstandsaanvraag}", "welke {papieren|bewijsstukken} heb ik nodig voor {de bijstand|een uitkering}?"],
    p=["mijn {aanvraag|bijstandsaanvraag} werd {snel|binnen twee weken} {behandeld|goedgekeurd}", "de {consulent|medewerker} {hielp|heeft geholpen} {goed|geduldig} met de aanvraag"],
    n=["wil bijstand aanvragen", "vraagt naar status {aanvraag bijstand|bijstandsaanvraag}{, ingediend <wkn> geleden|}", "{bewijsstukken|stukken} ingeleverd, {geen reactie|nog niets gehoord}", "aanvraag {afgewezen|buiten behandeling}, wil uitleg"],
    pii=["bsn", "gebdat"],
)
S["werk_inkomen/uitkering_betaling"] = dict(
    np=["{mijn|de} {uitkering|bijstandsuitkering}", "de {uitbetaling|betaling} van mijn uitkering"],
    k=["mijn uitkering is {niet|nog steeds niet|te laat} {gestort|uitbetaald|binnen} en ik {kan de huur niet betalen|heb geen geld voor eten}", "{er is|jullie hebben} {zomaar|zonder bericht} {gekort|ingehouden} op mijn uitkering", "ik moet {alles|het geld} terugbetalen {door een fout van jullie|omdat de gemeente zich vergist heeft}"],
    v=["<wil_weten> wanneer mijn uitkering {wordt|word} {uitbetaald|gestort}", "waarom {is mijn uitkering lager|krijg ik minder} deze maand?"],
    p=["{het probleem met|de fout in} mijn uitkering werd {dezelfde dag|snel} {opgelost|hersteld}"],
    n=["uitkering {niet ontvangen|niet gestort|te laat}{, kan huur niet betalen|}", "vraag over {korting|inhouding} op uitkering", "wil {voorschot|spoedbetaling}"],
    pii=["bsn", "iban"],
)
S["werk_inkomen/reintegratie"] = dict(
    np=["mijn {re-integratietraject|traject naar werk|werkervaringsplek}", "de begeleiding naar werk", "{mijn|de} werkconsulent"],
    k=["ik {zit|zat} al {een jaar|maanden} in een traject {maar niemand helpt me echt|en er gebeurt niks}", "mijn {consulent|werkconsulent} is {alweer|steeds} {anders|vervangen} en ik moet {steeds|alles} opnieuw uitleggen", "ik moet {verplicht|} {werken|een werkervaringsplek doen} {zonder dat het bij mijn opleiding past|terwijl ik ziek ben}"],
    v=["<wil_weten> {welke ondersteuning er is bij|hoe jullie helpen met} het vinden van werk", "kan ik een {opleiding|cursus} volgen {met behoud van uitkering|via de gemeente}?"],
    p=["dankzij {mijn consulent|het traject} heb ik {weer werk|een baan} gevonden", "de werkconsulent {denkt echt mee|luistert goed}"],
    n=["vraagt naar {traject|re-integratie|werkervaringsplek}", "{consulent|klantmanager} niet bereikbaar, wil contact", "wil {cursus|opleiding} volgen"],
    pii=["bsn"],
)
S["werk_inkomen/schuldhulp"] = dict(
    np=["de schuldhulpverlening", "mijn {aanmelding|aanvraag} voor schuldhulp", "het budgetbeheer"],
    k=["ik heb {me <weken> geleden aangemeld|<weken> geleden hulp gevraagd} voor schuldhulp en {zit nog steeds op de wachtlijst|hoor niks}", "{de|mijn} {budgetbeheerder|schuldhulpverlener} {betaalt|betaalde} {de rekeningen niet|mijn huur niet} op tijd", "ik {word|wordt} {gek|wanhopig} van {de schuldeisers|de incassobureaus} en {niemand helpt me|de gemeente doet niks}"],
    v=["<wil_weten> hoe ik me {aanmeld|kan aanmelden} voor schuldhulp", "kunnen jullie helpen met {mijn schulden|budgetbeheer}?"],
    p=["de schuldhulpverlener {heeft|had} {echt |}{rust gebracht|goed geholpen}{ en ik zie weer licht|}"],
    n=["wil aanmelden schuldhulpverlening", "{schulden|betalingsachterstanden}, {vraagt hulp|wil budgetbeheer}", "vraagt naar status aanmelding schuldhulp"],
    pii=["bsn"],
)
S["burgerzaken/paspoort_id"] = dict(
    np=["mijn {paspoort|identiteitskaart|ID-kaart}", "het {aanvragen|ophalen} van {een|mijn} {paspoort|ID-kaart}"],
    k=["ik kan {pas over|pas na} <weken> {een afspraak maken|terecht} voor {een paspoort|mijn ID-kaart} terwijl ik {op vakantie ga|volgende week vertrek}", "mijn {paspoort|ID-kaart} {lag|was} {nog niet klaar|niet klaar} toen ik het kwam ophalen", "{de pasfoto|mijn pasfoto} {werd|is} {afgekeurd|niet geaccepteerd} en ik moest {helemaal |}opnieuw {komen|een afspraak maken}"],
    v=["<wil_weten> hoe lang het duurt voordat mijn {paspoort|ID-kaart} klaar is", "kan ik {met spoed|sneller} een {paspoort|ID-kaart} {aanvragen|krijgen}?"],
    p=["mijn {paspoort|ID-kaart} {was|lag} {al na vijf dagen|sneller dan verwacht} klaar", "bij het {aanvragen|ophalen} van mijn {paspoort|ID-kaart} {stond|was} alles {goed geregeld|snel klaar}"],
    n=["wil {afspraak|afspr.} {paspoort|ID-kaart|ID} {aanvragen|ophalen}", "{paspoort|ID} {kwijt|gestolen}, wil {vermissing|melding} doorgeven", "vraagt of {paspoort|ID-kaart} klaar ligt"],
    pii=["bsn", "gebdat"],
)
S["burgerzaken/rijbewijs"] = dict(
    np=["mijn rijbewijs", "het verlengen van mijn rijbewijs"],
    k=["ik kan mijn rijbewijs niet {verlengen|ophalen} omdat {de gezondheidsverklaring|het CBR} {nog niet is verwerkt|niet doorkomt}", "ik {heb|had} {geen|niet op tijd} bericht gekregen dat mijn rijbewijs {klaar lag|verlopen was}"],
    v=["<wil_weten> hoe ik mijn rijbewijs {verleng|kan verlengen}", "moet ik {een pasfoto|een afspraak} {meenemen|maken} voor mijn rijbewijs?"],
    p=["mijn rijbewijs {was|werd} {snel|binnen een week} geregeld"],
    n=["wil rijbewijs {verlengen|aanvragen|ophalen}", "vraag over {gezondheidsverklaring|CBR} rijbewijs"],
    pii=["gebdat"],
)
S["burgerzaken/verhuizing"] = dict(
    np=["mijn verhuizing", "het doorgeven van mijn {verhuizing|nieuwe adres}", "mijn inschrijving {op het nieuwe adres|in de BRP}"],
    k=["mijn verhuizing is {nog steeds niet|niet} verwerkt en {alle post|de post} gaat naar mijn oude adres", "ik {word|wordt|werd} {niet ingeschreven|geweigerd bij inschrijving} {op mijn nieuwe adres|omdat de verhuurder moet tekenen}", "er staan {mensen|personen} ingeschreven op mijn adres die {ik niet ken|er niet wonen}"],
    v=["<wil_weten> hoe ik mijn verhuizing {doorgeef|kan doorgeven}", "hoe lang duurt het {voordat|tot} mijn verhuizing {is verwerkt|verwerkt is}?"],
    p=["mijn verhuizing {was|werd} {binnen twee dagen|snel|meteen} verwerkt{, heel makkelijk online|}"],
    n=["wil verhuizing doorgeven", "verhuizing {niet verwerkt|nog niet zichtbaar}", "{onbekende|vreemde} personen ingeschreven op adres", "vraagt naar inschrijving {BRP|nieuw adres}"],
    pii=["adres", "bsn"],
)
S["burgerzaken/afspraak_stadswinkel"] = dict(
    np=["{een|mijn} afspraak bij de stadswinkel", "de stadswinkel", "het maken van een afspraak {bij de stadswinkel|bij het loket}"],
    k=["ik {moest|heb} {ondanks mijn afspraak |}{<minuten>|heel lang} {wachten|gewacht} in de stadswinkel", "mijn afspraak {bij de stadswinkel|} {werd|is} {zonder bericht |}{geannuleerd|verzet}", "er is {bijna |}{geen|nooit} plek om een afspraak te maken{ in de stadswinkel| bij het loket|}"],
    v=["<wil_weten> {hoe|waar} ik een afspraak {maak|kan maken} bij de stadswinkel", "kan ik {zonder afspraak|ook zonder afspraak} langskomen {bij de stadswinkel|}?"],
    p=["{in de stadswinkel|aan de balie} {werd ik|ben ik} {binnen vijf minuten|precies op tijd|direct} geholpen", "de afspraak in de stadswinkel {verliep|ging} {soepel|vlot|prima}"],
    n=["wil afspraak stadswinkel {maken|verzetten|annuleren}", "afspraak {geannuleerd|verzet}, klt niet {geïnformeerd|geinformeerd}"],
    pii=[],
)
S["burgerzaken/uittreksel"] = dict(
    np=["{een|het} uittreksel {BRP|uit de BRP}", "{een|de} {geboorteakte|huwelijksakte|akte}"],
    k=["ik {heb|had} <al_lang> een uittreksel besteld en {het is nooit aangekomen|niets ontvangen}", "in {de|mijn} {geboorteakte|akte} staat een fout{ en het herstellen duurt maanden|}"],
    v=["<wil_weten> hoe ik {een uittreksel|een akte} {aanvraag|bestel}", "kan ik een {internationaal |}uittreksel {online|digitaal} aanvragen?"],
    p=["het uittreksel {was|werd} {dezelfde dag|binnen een dag} {geregeld|verstuurd}"],
    n=["wil uittreksel {BRP|akte} {aanvragen|bestellen}", "uittreksel niet ontvangen"],
    pii=["bsn", "gebdat"],
)
S["wonen_vergunningen/omgevingsvergunning"] = dict(
    np=["mijn {aanvraag voor een |}omgevingsvergunning", "de vergunning voor {mijn dakkapel|onze verbouwing|de aanbouw}"],
    k=["mijn {aanvraag voor een omgevingsvergunning|vergunningaanvraag} ligt <al_lang> {stil|bij jullie} {en de aannemer kan niet beginnen|}", "{ik moet|we moeten} {steeds weer|telkens} {nieuwe tekeningen|extra stukken} aanleveren voor {de dakkapel|de verbouwing}", "de {buren|buurman} {bouwt|bouwen} {zonder vergunning|een aanbouw zonder vergunning} en {jullie doen niks|er wordt niet gehandhaafd}"],
    v=["<wil_weten> of ik een vergunning nodig heb voor {een dakkapel|een schutting|een aanbouw}", "hoe lang is de {behandeltermijn|doorlooptijd} van een omgevingsvergunning?"],
    p=["de vergunning voor {onze dakkapel|de verbouwing} was {snel|binnen de termijn} {rond|verleend}"],
    n=["vraag over omgevingsvergunning {dakkapel|aanbouw|schutting}", "vraagt naar status vergunningaanvraag", "meldt {illegale bouw|bouwen zonder vergunning} buren"],
    pii=["adres"],
)
S["wonen_vergunningen/evenementvergunning"] = dict(
    np=["{de|onze} {vergunning voor het straatfeest|evenementenvergunning|terrasvergunning}", "het straatfeest"],
    k=["{onze|de} {vergunning voor het straatfeest|evenementenvergunning} {werd|is} {te laat|pas een dag van tevoren} {verleend|afgegeven}", "{de|mijn} terrasvergunning {kost|kostte} {veel te veel|een fortuin} en {het duurde|duurt} <al_lang>"],
    v=["<wil_weten> hoe ik een vergunning {voor een straatfeest|voor een evenement|voor een terras} aanvraag"],
    p=["{de vergunning voor ons straatfeest|de evenementenvergunning} was {makkelijk|snel} geregeld"],
    n=["vraag over vergunning {straatfeest|evenement|terras}", "wil {evenementenvergunning|ontheffing} aanvragen"],
    pii=[],
)
S["wonen_vergunningen/woningzoeken"] = dict(
    np=["mijn {urgentieaanvraag|aanvraag voor urgentie}", "het vinden van een {huurwoning|sociale huurwoning|woning}"],
    k=["ik {sta|stond} al {acht|tien|twaalf} jaar ingeschreven en {krijg|kreeg} {nog steeds geen|geen} woning", "mijn urgentie is {afgewezen|geweigerd} terwijl ik {met mijn kinderen bij familie slaap|dakloos ben}", "ik {woon|zit} met {vier|drie|vijf} {kinderen|personen} in een {tweekamerwoning|kleine flat} en {niemand helpt|de gemeente doet niks}"],
    v=["<wil_weten> hoe ik {urgentie|een urgentieverklaring} {aanvraag|kan aanvragen}", "hoe lang is de wachttijd voor een {sociale huurwoning|huurwoning} in Rotterdam?"],
    p=["dankzij {de urgentie|de hulp van de gemeente} {heb ik|hebben we} {eindelijk |}een woning"],
    n=["wil urgentie aanvragen", "urgentie afgewezen, wil {bezwaar|uitleg}", "{woningzoekend|zoekt woning}, {situatie|woonsituatie} onhoudbaar"],
    pii=[],
)
S["wonen_vergunningen/bouwoverlast"] = dict(
    np=["de bouwoverlast {in onze straat|van het project naast ons}", "{het heien|de bouwwerkzaamheden}"],
    k=["{ze|de bouwers} {heien|zijn aan het heien} {al om zeven uur|vanaf zes uur 's ochtends|ook op zaterdag} en {onze muren scheuren|het hele huis trilt}", "de bouwplaats {blokkeert|verspert} {de stoep|de straat|onze uitgang} {al maanden|<al_lang>}"],
    v=["<wil_weten> {hoe lang|tot wanneer} de {bouwwerkzaamheden|werkzaamheden} {nog duren|duren}", "bij wie {moet|kan} ik schade door {het heien|trillingen} melden?"],
    p=["de aannemer {heeft|had} de buurt {goed|netjes} geïnformeerd over de werkzaamheden"],
    n=["meldt {bouwoverlast|trillingen door heien}{ <adres_kort>|}", "bouwplaats blokkeert {stoep|straat}, vraagt handhaving", "scheuren in woning door {heien|bouw}"],
    pii=["adres"],
)
S["zorg_welzijn/wmo_hulpmiddel"] = dict(
    np=["mijn {scootmobiel|rolstoel|traplift|woningaanpassing}", "mijn Wmo-aanvraag", "de {aanvraag|indicatie} voor een hulpmiddel"],
    k=["ik wacht <al_lang> op {mijn|een} {scootmobiel|rolstoel|traplift} en {kom|zit} {de deur niet uit|al die tijd binnen}", "mijn {scootmobiel|rolstoel} is {kapot|stuk} en de {leverancier|reparatie} {komt niet|laat <weken> op zich wachten}", "mijn Wmo-aanvraag {is|werd} {afgewezen|niet goedgekeurd} {zonder huisbezoek|zonder dat iemand met me heeft gesproken}"],
    v=["<wil_weten> hoe ik {een scootmobiel|een traplift|hulp via de Wmo} {aanvraag|kan aanvragen}", "hoe lang duurt een Wmo-{aanvraag|melding}?"],
    p=["de {Wmo-consulent|consulent} {kwam snel langs|nam echt de tijd} en {mijn traplift|de scootmobiel} was {snel|binnen een maand} geregeld"],
    n=["wil Wmo-melding doen voor {scootmobiel|traplift|rolstoel|woningaanpassing}", "{scootmobiel|rolstoel} kapot, {leverancier reageert niet|wil reparatie}", "vraagt naar status Wmo-aanvraag"],
    pii=["bsn", "gebdat"],
)
S["zorg_welzijn/huishoudelijke_hulp"] = dict(
    np=["mijn huishoudelijke hulp", "de {thuiszorg|hulp bij het huishouden}", "mijn {indicatie|uren} huishoudelijke hulp"],
    k=["mijn huishoudelijke hulp {komt niet opdagen|is al <weken> niet geweest|wordt steeds afgezegd}", "mijn {uren|indicatie} huishoudelijke hulp {zijn|is} {zomaar|zonder overleg} {gehalveerd|verlaagd}", "er komt {steeds|elke week} een {andere|nieuwe} hulp{ en ik moet alles opnieuw uitleggen|}"],
    v=["<wil_weten> of ik {recht heb op|in aanmerking kom voor} huishoudelijke hulp", "wat kost {huishoudelijke hulp|de eigen bijdrage} per maand?"],
    p=["mijn huishoudelijke hulp is {een schat|geweldig|heel fijn}{ en altijd op tijd|}"],
    n=["huishoudelijke hulp {komt niet|al <wkn> niet geweest}", "uren {hbh|huishoudelijke hulp} verlaagd, {oneens|wil bezwaar}", "vraag over eigen bijdrage {Wmo|hbh}"],
    pii=["bsn"],
)
S["zorg_welzijn/jeugdhulp"] = dict(
    np=["de jeugdhulp voor {mijn zoon|mijn dochter|ons kind}", "het wijkteam", "de wachtlijst {voor jeugdhulp|bij het wijkteam}"],
    k=["{mijn zoon|mijn dochter|ons kind} staat {al maanden|<al_lang>|nu al maanden} op een wachtlijst voor {jeugdhulp|behandeling}{ en het gaat steeds slechter|}", "het wijkteam {belt niet terug|reageert niet} {terwijl de situatie thuis escaleert|}", "ik moet {mijn verhaal|alles} {steeds opnieuw|telkens} vertellen aan {een nieuwe hulpverlener|iemand anders van het wijkteam}"],
    v=["<wil_weten> {hoe ik|waar ik} hulp {krijg|kan krijgen} voor {mijn kind|mijn zoon|mijn dochter}", "hoe {kom|kan} ik in contact {met|komen met} het wijkteam?"],
    p=["het wijkteam {heeft|had} ons {echt |}{goed|fantastisch} geholpen{ met onze zoon| met onze dochter|}"],
    n=["zorgen om {zoon|dochter|kind}, wil contact wijkteam", "{wachtlijst|wachttijd} jeugdhulp, {wil|vraagt} {info|overbrugging}", "wijkteam reageert niet"],
    pii=["gebdat"],
)
S["zorg_welzijn/leerlingenvervoer"] = dict(
    np=["het leerlingenvervoer", "de {taxi|het busje} naar school"],
    k=["de taxi van het leerlingenvervoer {was|is} {weer |}{te laat|niet gekomen} en {mijn kind|mijn zoon} {miste|mist} {de les|school}", "{mijn kind|mijn dochter} zit {elke dag|steeds} {meer dan een uur|veel te lang} in het busje", "de chauffeur van het {leerlingenvervoer|busje} {rijdt|reed} {gevaarlijk|veel te hard} en {is|was} onbeschoft"],
    v=["<wil_weten> of {mijn kind|mijn zoon} recht heeft op leerlingenvervoer"],
    p=["de chauffeur van het leerlingenvervoer is {altijd op tijd|super lief voor de kinderen}"],
    n=["leerlingenvervoer {niet gekomen|te laat}{, kind school gemist|}", "aanvraag leerlingenvervoer{, vraagt naar status|}"],
    pii=[],
)
S["verkeer/verkeersveiligheid"] = dict(
    np=["de verkeersveiligheid {in onze straat|bij de school|op de kruising}", "de {oversteekplaats|kruising} bij {de school|het winkelcentrum}"],
    k=["er wordt {veel te hard|keihard} gereden in {onze straat|de wijk} en {er moet een drempel komen|er komt maar geen drempel|niemand doet er iets aan}", "de {oversteekplaats|kruising} bij de school is {levensgevaarlijk|gevaarlijk} en {er gebeurt een keer een ongeluk|er zijn al kinderen bijna aangereden}", "het {verkeerslicht|stoplicht} staat {veel |}te kort op groen voor voetgangers"],
    v=["<wil_weten> of er een {drempel|zebrapad|verkeersdrempel} kan komen {in onze straat|bij de school}"],
    p=["de nieuwe {drempels|oversteekplaats} {maken|maakt} het {echt |}veel veiliger"],
    n=["verzoek {drempel|zebrapad} ivm hard rijden", "{gevaarlijke|onveilige} {kruising|oversteekplaats} bij school"],
    pii=["adres"],
)
S["verkeer/fietsparkeren"] = dict(
    np=["{mijn|de} {weggehaalde|verwijderde} fiets", "het {fietsparkeren|fietsenrek} bij {het station|de metro}", "de weesfietsen {in de straat|bij het station}"],
    k=["mijn fiets {is|werd} {weggehaald|verwijderd} {terwijl hij er maar een dag stond|zonder waarschuwing} en {ik moet|nu moet ik} {€|€ }{25|30|35} betalen om hem terug te krijgen", "er is {nooit|geen} plek in {het fietsenrek|de stalling} bij {het station|de metro|de tram}", "{overal|in de straat} staan {kapotte |}weesfietsen die {nooit|niet} {worden weggehaald|weggehaald worden}"],
    v=["<wil_weten> waar mijn {weggehaalde |}fiets {is gebleven|is|staat}", "kan er een fietsenrek {komen|bij} in {onze straat|de buurt}?"],
    p=["de nieuwe fietsenstalling {bij het station|bij de metro} is {top|super|prima}"],
    n=["fiets weggehaald, {vraagt waar|wil terug}", "meldt weesfietsen{ <adres_kort>|}", "verzoek fietsenrek{ in straat|}"],
    pii=[],
)
S["verkeer/wegwerkzaamheden"] = dict(
    np=["de {wegwerkzaamheden|werkzaamheden aan de weg}", "de omleiding {bij|rond} {de werkzaamheden|de brug}", "de afsluiting van {onze straat|de brug}"],
    k=["{door|vanwege} de {werkzaamheden|afsluiting} {is|was} {onze straat|mijn winkel|de wijk} {al maanden|<al_lang>} {niet te bereiken|onbereikbaar}", "{niemand|we zijn niet} {heeft ons geïnformeerd|geïnformeerd} over de {werkzaamheden|afsluiting} {en de omleiding is onduidelijk|}", "{de werkzaamheden duren|de afsluiting duurt} {veel langer dan gepland|maar voort} en er {wordt|word} {bijna nooit|niet} gewerkt"],
    v=["<wil_weten> hoe lang de {werkzaamheden|afsluiting} {nog duren|nog duurt}", "is {onze straat|de brug} {met de fiets|voor de bus} bereikbaar tijdens de werkzaamheden?"],
    p=["de {omleiding|werkzaamheden} {was|waren} {goed aangegeven|netjes georganiseerd}"],
    n=["vraag over {duur|planning} {werkzaamheden|afsluiting}", "{winkel|woning} onbereikbaar door werkzaamheden", "omleiding onduidelijk"],
    pii=[],
)
S["bereikbaarheid/wachttijd_telefoon"] = dict(
    np=["de wachttijd {bij|van} {14010|het 14010|de telefoon}", "{het|jullie} telefoonnummer 14010", "de bereikbaarheid {van de gemeente|van 14010}"],
    k=["ik {moest {<minuten>|heel lang} in de wacht staan|heb {<minuten>|eindeloos} in de wacht gestaan|heb {<minuten>|heel lang} moeten wachten} {bij 14010|aan de telefoon|}", "{14010|de gemeente} is {echt |}{niet|slecht|nooit} bereikbaar{, de lijn wordt gewoon verbroken|}", "na {<minuten>|een half uur} wachten werd {de verbinding|ik} {verbroken|eruit gegooid}"],
    v=["waarom {duurt het|is de wachttijd} {zo lang|zo lang bij 14010}?", "<wil_weten> wanneer {14010|de gemeente} het {best|rustigst} bereikbaar is"],
    p=["ik {had|kreeg} {binnen een minuut|meteen|direct} iemand aan de lijn", "{geen|bijna geen} wachttijd {bij 14010|aan de telefoon}"],
    n=["{verbinding|lijn} {eerder verbroken|viel weg}, belt opnieuw", "vraagt {wanneer|hoe laat} 14010 rustig is"],
    nk=["klaagt over wachttijd {14010|telefoon}{, <minuten> gewacht|}", "{ontevreden|boos} over wachttijd, <minuten> in de wacht"],
    pii=[],
)
S["bereikbaarheid/terugbellen"] = dict(
    np=["{het|de} {terugbelverzoek|terugbelafspraak}", "{de belofte|de toezegging} om terug te bellen"],
    k=["{er zou|men zou} {mij|me} {terugbellen|binnen twee dagen terugbellen} maar {dat is nooit gebeurd|niemand heeft gebeld}", "ik ben {al <aantal> keer|<aantal> keer} {beloofd|toegezegd} dat ik {word|wordt} teruggebeld{, nooit gebeurd|}", "ik {wacht|zit} <al_lang> {te wachten |}op {een telefoontje|het terugbelverzoek}"],
    v=["<wil_weten> wanneer ik {word|wordt} teruggebeld", "klopt het dat ik {binnen drie werkdagen|deze week} {word|wordt} teruggebeld?"],
    p=["{ik werd|men heeft me} {netjes|keurig} {op tijd |}teruggebeld{ zoals beloofd|}"],
    n=["wacht op terugbelverzoek van {<wkn> geleden|vorige week}", "vraagt of terugbelverzoek is {uitgezet|doorgezet}"],
    nk=["{al <aantal>x|eerder} terugbelverzoek {gedaan|uitgezet}, {nooit teruggebeld|niet gebeld}", "{ontevreden|boos} {dat|omdat} niet {teruggebeld|tb} is"],
    pii=[],
)
S["bereikbaarheid/doorverbinden"] = dict(
    np=["het {doorverbinden|doorverbonden worden}", "{de|het} {kastje-naar-de-muur|doorverwijzen}"],
    k=["ik {werd|ben} {<aantal> keer|steeds|van de ene naar de andere afdeling} doorverbonden{ en niemand kon me helpen|}", "{het is|dit is} {echt |}van het kastje naar de muur{ bij jullie|}", "{elke|iedere} medewerker {zegt iets anders|stuurt me door naar een andere afdeling}"],
    v=["<wil_weten> {bij welke afdeling|waar} ik {moet zijn|terecht kan} met mijn vraag"],
    p=["ik werd {direct|meteen} {goed |}doorverbonden met de {juiste|goede} afdeling"],
    n=["{al <aantal>x|meerdere keren} doorverbonden, {geen antwoord|weet niet waar te zijn}", "zoekt juiste afdeling voor vraag"],
    nk=["kastje-muur, {klt gefrustreerd|wil klacht indienen}", "{al <aantal>x|meerdere keren} doorverbonden, niemand helpt"],
    pii=[],
)
S["bereikbaarheid/digitaal"] = dict(
    np=["de website {van de gemeente|}", "het {online formulier|digitale loket|e-formulier}", "{inloggen met DigiD|DigiD}"],
    k=["het online formulier {werkt niet|geeft steeds een foutmelding|loopt vast} {bij het versturen|bij het inloggen met DigiD|}", "op de website {is niets te vinden|kan ik niks vinden|is het een doolhof}", "{je kunt|ik kan} {niks|niets} {meer |}{zonder DigiD|online} en ik {heb geen computer|ben niet digitaal vaardig}"],
    v=["<wil_weten> {waar ik|hoe ik} {het formulier|dit} {online |}kan vinden", "kan ik het formulier ook op papier {krijgen|invullen}?"],
    p=["het online {regelen|formulier} {ging|was} {makkelijk|super makkelijk|snel} {met DigiD|}"],
    n=["{formulier|website} geeft foutmelding{ bij versturen|}", "kan niet inloggen {DigiD|op website}", "wil formulier op papier{, niet digitaal vaardig|}"],
    pii=[],
)
S["status_aanvraag/doorlooptijd"] = dict(
    np=["{de behandeling van |}mijn aanvraag", "de doorlooptijd {van mijn aanvraag|van de behandeling}", "de {behandeltermijn|afhandeling}"],
    k=["{het duurt|de behandeling duurt} {veel te lang|<al_lang>|maanden}{ voordat er een besluit komt|}", "de {wettelijke |}{termijn|behandeltermijn} is {allang|al <weken>} {verstreken|voorbij} en ik {heb nog niks|hoor niks}", "{elke keer|steeds} {wordt|word} {de termijn|de beslissing} {verlengd|uitgesteld}"],
    v=["<wil_weten> hoe lang {de behandeling|het} {nog duurt|duurt}", "wanneer {kan ik een {besluit|beslissing} verwachten|krijg ik een {besluit|beslissing}}?"],
    p=["{mijn aanvraag|alles} {werd|was} {sneller dan verwacht|binnen de termijn|snel} {afgehandeld|geregeld}"],
    n=["{termijn|behandeltermijn} verstreken, {nog geen besluit|geen reactie}", "vraagt {hoe lang|naar} doorlooptijd {aanvraag|bezwaar}"],
    pii=[],
)
S["status_aanvraag/geen_reactie"] = dict(
    np=["{mijn mail|mijn brief|mijn bericht}", "{een|de} reactie op {mijn mail|mijn brief|mijn vraag}"],
    k=["ik {heb|had} {<aantal> keer|meerdere keren|al twee keer} {gemaild|geschreven} en {nooit|nog steeds geen} {antwoord|reactie} {gekregen|ontvangen}", "{op mijn mail|op mijn brief|op mijn bericht} van <weken> geleden {heb ik nog steeds geen reactie|is nooit gereageerd|heb ik niks gehoord}", "{niemand|er is niemand die} {reageert|antwoordt} {op mijn vragen|op mijn mails}"],
    v=["<wil_weten> of {mijn mail|mijn brief|mijn formulier} {is aangekomen|goed is ontvangen}"],
    p=["ik {kreeg|had} {dezelfde dag|binnen een dag|snel} {antwoord|een reactie} op mijn {mail|vraag}"],
    n=["{mail|brief|formulier} <wkn> geleden verstuurd, geen reactie", "wil {bevestiging|ontvangstbevestiging} van {mail|brief}"],
    pii=[],
)
S["status_aanvraag/status_onbekend"] = dict(
    np=["de status van {mijn aanvraag|mijn zaak|mijn dossier}", "{mijn|het} dossier"],
    k=["{niemand|geen enkele medewerker} {kan me vertellen|weet} {wat de status is|hoe het ervoor staat} van {mijn aanvraag|mijn zaak}", "{mijn|het} dossier is {zoek|kwijt|onvindbaar} en ik moet {alles|alle stukken} opnieuw {aanleveren|opsturen}"],
    v=["<wil_weten> wat de status is van mijn {aanvraag|zaak|melding}", "hoe staat het {ervoor|} met {mijn aanvraag|mijn melding}?"],
    p=["de medewerker kon {meteen|direct} zien {hoe het ervoor stond|wat de status was} en {legde het goed uit|gaf duidelijk antwoord}"],
    n=["vraagt naar status {aanvraag|zaak|melding}{ <zaaknr>|}", "status {onbekend|niet zichtbaar} in systeem, {doorgezet|uitgezet} naar backoffice"],
    pii=[],
)
S["informatie_brieven/onduidelijke_brief"] = dict(
    np=["de brief {die ik kreeg|die ik ontving|van de gemeente}", "{jullie|de} brieven", "de brief over {de aanslag|mijn aanvraag|de beschikking}"],
    k=["de brief {is|was} {onbegrijpelijk|veel te ingewikkeld|vol ambtelijke taal} en ik {snap|begreep} {niet wat ik moet doen|er niks van}", "{in de brief|de brief} {staat|vermeldt} {niet|nergens} {wat ik moet doen|wie ik kan bellen|waarom ik moet betalen}", "{waarom|hoe kan het dat} jullie {brieven|de brief} {alleen|niet} {in moeilijk Nederlands|in gewone taal} {schrijven|schrijft}{?|}"],
    v=["ik {heb|kreeg} een brief {ontvangen|gekregen} {en snap niet|maar begrijp niet} wat ik moet doen", "<wil_weten> wat {deze brief|de brief} {betekent|inhoudt}"],
    p=["de brief was {duidelijk|helder|in gewone taal} {geschreven|}{, eindelijk|}", "{de medewerker|u} {legde|heeft} de brief {goed|rustig} {uit|uitgelegd}"],
    n=["begrijpt brief niet{, uitgelegd| over aanslag|}", "vraag over ontvangen brief {ivm|over} {aanslag|beschikking|besluit}", "brief {uitgelegd|toegelicht}, klt {tevreden|begrijpt nu}"],
    pii=[],
)
S["informatie_brieven/tegenstrijdige_informatie"] = dict(
    np=["de {informatie|uitleg} {die ik kreeg|van de medewerkers}", "de informatie {op de website|aan de telefoon}"],
    k=["{elke|iedere} medewerker {vertelt|zegt} {iets anders|wat anders}{, ik weet niet meer wat klopt|}", "{ik kreeg|mij werd} {verkeerde|foute|onjuiste} informatie {gegeven |}{en daardoor|waardoor} {moet ik nu een boete betalen|heb ik de termijn gemist}", "op de website staat {iets anders dan|het tegenovergestelde van} {wat de medewerker zei|wat in de brief staat}"],
    v=["<wil_weten> welke informatie nu {klopt|juist is}"],
    p=["ik kreeg {duidelijke|heldere|correcte} informatie{ waar ik echt iets aan had|}"],
    n=["{tegenstrijdige|verkeerde} info gekregen {van collega|via website}", "klt {eerder|vorige keer} verkeerd {geïnformeerd|geinformeerd}"],
    pii=[],
)
S["informatie_brieven/informatie_gezocht"] = dict(
    np=["{mijn vraag|een vraag} over {de regels|de voorwaarden|de procedure}", "de {uitleg|informatie} over {de regeling|de procedure}"],
    k=["ik {kon|kan} {nergens|niet} {vinden|achterhalen} {wat de regels zijn|hoe het zit|welke papieren ik nodig heb}", "niemand kon {mijn vraag|mijn simpele vraag} beantwoorden"],
    v=["<wil_weten> {wat de voorwaarden zijn|hoe de procedure werkt|welke regels er gelden}", "ik heb een vraag over {de regels|de voorwaarden|hoe het werkt}"],
    p=["{mijn vraag|alles} werd {helemaal|duidelijk|goed} beantwoord", "ik {kreeg|heb} {precies|alle} de informatie {gekregen |}die ik nodig had"],
    n=["{vraag|informatievraag} over {voorwaarden|procedure|regels}", "info {gegeven|verstrekt}, geen vervolg nodig", "vraag {kon|kan} niet beantwoord worden in 1e lijn"],
    nc=["info {gegeven|verstrekt}, klt {tevreden|blij}"],
    pii=[],
)
S["bejegening/vriendelijkheid"] = dict(
    np=["de medewerker", "{de|het} {contact|gesprek} met de medewerker", "de manier waarop ik {werd|ben} behandeld"],
    k=["de medewerker was {onvriendelijk|bot|kortaf|onbeschoft|arrogant}{ en had duidelijk geen zin|}", "ik {werd|ben} {als een crimineel|als een nummer|neerbuigend} behandeld", "{de medewerker|de dame|de meneer} {hing|gooide} {gewoon |}de telefoon {op|erop}"],
    v=["ik wil {graag |}een {compliment|opmerking} doorgeven over de medewerker"],
    p=["de medewerker was {heel |erg |}<vriendelijk>", "ik {werd|ben} {heel |}<vriendelijk> {geholpen|te woord gestaan}", "{vriendelijk|netjes|prettig} en {snel|vlot|duidelijk} geholpen", "{heel |super |}{fijne|vriendelijke|behulpzame} medewerker"],
    n=["wil {reactie|terugkoppeling} op eerdere melding over {bejegening|contact met medewerker}", "vraagt wie {haar|hem|klt} eerder te woord stond"],
    nk=["klaagt over {bejegening|houding} {medewerker|collega}", "{ontevreden|boos} over {onvriendelijke|botte} behandeling"],
    nc=["{compliment|complimenten} voor collega {die eerder hielp|van gisteren}", "wil collega {bedanken|complimenteren}"],
    pii=[],
)
S["bejegening/deskundigheid"] = dict(
    np=["de deskundigheid van de medewerker", "de {kennis|uitleg} van de medewerker"],
    k=["de medewerker {wist|had} {er niks van|geen idee|niet waar het over ging}", "{ik moest|moest ik} {zelf|de medewerker} {uitleggen hoe het zat|uitleggen hoe het werkt}"],
    v=["kan ik {iemand|een medewerker} spreken die {verstand heeft van|er meer van weet}?"],
    p=["de medewerker {wist|had} {precies|echt} {waar het over ging|verstand van zaken}", "{zeer|heel} {deskundige|kundige} medewerker{, duidelijke uitleg|}"],
    n=["medewerker {kon|kan} vraag niet beantwoorden, {doorgezet|uitgezet}", "wil {specialist|vakafdeling} spreken"],
    pii=[],
)
S["bejegening/serieus_genomen"] = dict(
    np=["{hoe ik werd behandeld|de behandeling van mijn melding}", "het gevoel serieus genomen te worden"],
    k=["ik {voel me|voelde me|werd} {niet serieus genomen|afgescheept|niet gehoord}", "{er werd niet geluisterd|niemand luisterde} naar {mijn verhaal|wat ik zei}", "{ik werd|ze hebben me} {met een kluitje in het riet gestuurd|afgepoeierd}"],
    v=["ik {wil|wilde} {graag |}dat {iemand|er iemand} {echt |}naar mijn verhaal luistert"],
    p=["ik {voelde me|werd} {echt |}{gehoord|serieus genomen}", "{de medewerker|men} {nam|nam echt} de tijd {voor mij|om te luisteren}"],
    n=["voelt zich niet serieus genomen", "wil {leidinggevende|teamleider} spreken"],
    pii=[],
)

# The new signal (not in the taxonomy): a barrier at a corona test location at a P+R that every
# visitor has to touch. Its vocabulary deliberately avoids the seed words of the taxonomy.
NEW_SIGNAL_KEY = ("nieuw_slagboom", "slagboom_testlocatie")
S["nieuw_slagboom/slagboom_testlocatie"] = dict(
    np=["de slagboom bij de {coronatestlocatie|testlocatie|teststraat}", "de {knop|drukknop} {van|bij} de slagboom {op de P+R|bij de testlocatie}"],
    k=["bij de {testlocatie|teststraat|coronatestlocatie} op {de P+R|P+R <pr>} {moet|moet je} {iedereen|} {zelf |}op {de knop|dezelfde knop} van de slagboom drukken{, zo verspreid je het virus juist|}", "{iedereen die zich laat testen|elke bezoeker} {moet {dezelfde|die} {knop|paal|intercom} van de slagboom aanraken|raakt {dezelfde|die} {knop|paal|intercom} van de slagboom aan}{, dat is vragen om besmetting|. Hoe hygiënisch is dat?|}", "de slagboom bij {de P+R|P+R <pr>} gaat {pas|alleen} open {als je op de knop drukt|na het drukken op een knop} en er is {geen handgel|geen desinfectie|niks om je handen te reinigen}", "{ik kwam|we kwamen} voor een {coronatest|sneltest} en moesten {met blote handen|met onze handen} {de slagboom|de knop van de slagboom} bedienen{. Belachelijk|}"],
    v=["waarom {moet|moeten} {je|bezoekers} bij de testlocatie {op de P+R|} zelf de slagboom {bedienen|openen}?", "<wil_weten> of de slagboom bij de {testlocatie|teststraat} niet {automatisch|open} kan"],
    p=["{de|een} {vrijwilliger|steward} {opende de slagboom voor ons|deed de slagboom voor ons open} bij de testlocatie, {fijn|netjes}"],
    n=["meldt dat bezoekers {testlocatie|teststraat} P+R <pr> zelf {knop|slagboom} moeten {aanraken|bedienen}, {vindt onhygiënisch|besmettingsgevaar}", "slagboom {bij|op} {testlocatie|teststraat} P+R <pr>: iedereen drukt op {dezelfde|zelfde} knop", "klacht {hygiëne|besmettingsrisico} slagboom {coronatest|testlocatie}"],
    pii=[],
)

GLOBAL_RULES["pr"] = ["Kralingse Zoom", "Capelsebrug", "Meijersplein", "Slinge", "Alexander", "Zuidplein", "Beverwaard"]
GLOBAL_RULES["adres_kort"] = ["in {onze|de} straat", "bij {de school|het winkelcentrum|de metro|het plein}", "{hoek|kruising} {straat|weg}", "bij nr. {4|12|27|88|103}"]
GLOBAL_RULES["zaaknr"] = ["(zaaknr. {Z|Z-}{2024|2025|2026}-{0|1|2|3}{1|4|7}{0|2|5|8}{3|6|9}{1|4})"]

# Non-informative KTO answers -> perception
NON_INFORMATIVE: dict[str, list[str]] = {
    "neutraal": ["nvt", "n.v.t.", "Nvt", "geen", "Geen", "-", ".", "geen opmerkingen", "Geen opmerking", "niks", "weet ik niet", "zie boven", "x", "nee", "Nee", "geen toelichting", "?"],
    "compliment": ["prima", "Prima", "goed", "Goed", "top", "Top!", "prima.", "Prima geholpen", "ok", "Tevreden", "alles goed", ":)"],
    "klacht": ["slecht", "Slecht", "waardeloos", "matig", "Slecht!!", "Geen zin in", "zie vorige keer"],
}
