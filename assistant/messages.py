"""Every fixed sentence the assistant says to a user, in one place (shared by code and tests).

None of them holds a number: a fixed sentence can never state a dose.
"""

from __future__ import annotations

#: the one abstention message
ABSTAIN_MESSAGE = (
    "The monograph doesn't cover this question, so I can't answer it from the source. "
    "Please ask a doctor or pharmacist."
)
#: shown instead of a personal dose when no interaction class is involved (each class has its own
#: referral in the vocabulary)
REFERRAL_GENERAL = (
    "The monograph gives no personal dose: ask your doctor or pharmacist what is right for you."
)
#: a Dosage Guide field the page leaves blank
BLANK_TEMPLATE = "The monograph lists no value for the {field} ({subtitle})."
#: after a field quoted whose lines should each begin with the name of what they describe
#: (page_format.NAMED_LINE_FIELDS) when none does, or some do not
LINES_UNNAMED = "Each of these lines describes a form without naming it."
SOME_LINES_UNNAMED = ("Only the lines that begin with a name say which form they describe; the others "
                      "describe a form without naming it.")
#: products: the sentence templates of a comparison (filled with the products' own titles and amounts)
PRODUCTS_RANKED = ("The {scope} that state an amount, from the {first} {nutrient} per serving to the "
                   "{last}: {items}.")
PRODUCTS_NEXT = ("Of the {scope} that state an amount, after the {word} {nutrient} per serving ({first}), "
                 "the next {word} is in: {items}.")
PRODUCTS_EXTREME = "Of the {scope} that state an amount, the {word} {nutrient} per serving is in: {items}."
PRODUCTS_NO_AMOUNT = "These do not state an amount of {nutrient}: {items}."
PRODUCTS_ALL_STATE = "Every product description states an amount of {nutrient}."
PRODUCTS_STATE_NONE = "These product descriptions state no amount of {nutrient}: {items}."
PRODUCTS_NONE_MATCH = "None of the product descriptions states {what}."
PRODUCTS_NONE_OF_KIND = "No {kinds} product's description states {what}."
#: the products of the kind asked are there, but none of their descriptions states what is asked
#: ("is there a chewable one? how much <nutrient> does it give?"): they are named, cited
PRODUCTS_KIND_UNSTATED = "The {kinds} products on the page do not state {what} in their descriptions: " \
    "{items}."
PRODUCT_STATES_NO_AMOUNT = "The description of {product} states no amount of {nutrient}."
PRODUCTS_DESCRIBED = "The product descriptions whose words match the question: {items}."
PRODUCTS_MATCH = "Products whose description states {what}: {items}."
PRODUCTS_VERSUS = "Products that state {word} {nutrient} than {other}: {items}."
PRODUCTS_VERSUS_NONE = "No product description states {word} {nutrient} than {other}."
PRODUCTS_THAN = "These state {word} {nutrient} than {reference}: {items}."
PRODUCTS_THAN_NONE = "No product description states {word} {nutrient} than {reference}."
PRODUCTS_SAME = "The same amount: {items}."
#: the products held against an amount the question names (never restated: it is the question's)
PRODUCTS_BOUND = "Products whose description states {what}: {items}."
PRODUCTS_BOUND_NONE = "No product description states {what}; the nearest to it is in: {items}."
#: ... when the question kept some kinds of product only ("any <nutrient> pills under <amount>")
PRODUCTS_BOUND_NONE_OF = "Of the {scope}, no description states {what}; the nearest to it is in: {items}."
PRODUCTS_CLOSEST = ("Of the products that state an amount of {nutrient}, the one closest to the amount named "
                    "is: {items}.")
PRODUCTS_BOUND_UNCOMPARABLE = ("The amount named cannot be compared with the products' amounts of "
                               "{nutrient}: the monograph gives no factor that turns it into a mass.")
#: one product's amount held against the amount the question names ("does <P> have more than <amount>?")
ONE_BOUND_KEPT = "{product} states {what} [{m}]."
ONE_BOUND_NOT_KEPT = "{product} does not state {what} [{m}]."
ONE_BOUND_UNCOMPARABLE = ("The amount named cannot be compared with what {product} states of {nutrient}: its "
                          "description gives no amount of it that the monograph turns into a mass.")
#: the basis of each product's amount (per drop, per tablet, per serving) is in its item
PRODUCTS_BOUND_WHAT = {
    "above": "more {nutrient} than the amount named",
    "at_least": "at least the amount of {nutrient} named",
    "below": "less {nutrient} than the amount named",
    "at_most": "no more {nutrient} than the amount named",
    "range": "an amount of {nutrient} within the range named",
    "closest": "the amount of {nutrient} named",
}
PRODUCTS_COUNT = "The page lists {count} product{plural}{what}{section}: {items}."
#: Dosage Guide values answered from the field's records (filled only with the field's name,
#: subtitle and value lines as written, a unit's name and a figure the cited value holds)
FIELD_VALUES = "{field} ({subtitle}): {values}."
FIELD_NO_SEPARATE = ("The {field} gives no separate value for the people asked about; it gives its values by "
                     "age.")
FIELD_NAMES_NO_PEOPLE = ("The {field} names no group of people, so it gives no separate value for the people "
                         "asked about.")
FIELD_NO_GROUP = "The {field} ({subtitle}) gives no value for the people asked about; it lists: {values}."
FIELD_UNIT_ONLY = "The {field} line carries the unit {unit} without a number, so it states no amount."
LIMIT_ABOVE = "The amount named is above the {field} the monograph gives: {values}."
LIMIT_SERVING_ABOVE = "One serving alone is above the {field} the monograph gives: {values}."
#: ... said of another nutrient the product holds than the one its answer is about, after what it holds
LIMIT_SERVING_NUTRIENT_ABOVE = "One serving's {nutrient} alone is above the {field}"
PRODUCT_ALSO_HOLDS = "{product} also holds {nutrient} ({amount} per serving)."
#: ... and of the nutrient a list of products is about, before the limit one serving of it is above
PRODUCT_HOLDS = "{product} holds {nutrient} ({amount} per serving)."
#: ... and when it is not above every value: the total is not known, so it is not compared
LIMIT_BESIDE_UNCOUNTED = ("What is taken beside the amount named is not added to it here, so their total "
                          "is not compared with the {field}.")
LIMIT_ALONE_ABOVE = ("Even without what is taken beside it, the amount named is above the {field} the "
                     "monograph gives: {values}.")
#: the limit sentences' words for the amounts a question adds up ("2000 IU plus 3000 IU"), set beside
#: a limit together (the sum is never stated): (the one amount's wording, the amounts' wording)
SUMMED_WORDING = (("amount named is", "amounts named, added together, are"),
                  ("amount named equals", "amounts named, added together, equal"),
                  ("amount named cannot", "amounts named, added together, cannot"))
LIMIT_EQUAL = "The amount named equals the {field} the monograph gives: {values}."
LIMIT_BELOW = "The amount named is below the {field} the monograph gives: {values}."
LIMIT_NOT_COMPARABLE = ("The amount named cannot be compared with the {field} the monograph gives (another "
                        "unit, and no conversion factor for it): {values}.")
LIMIT_NONE_SET = "The monograph sets no established {field}, so the amount named is not compared with one."
#: where no limit is set, the amount set beside the figures the same field does give (guidance, what
#: an agency considers safe): no limit, but what the field says of amounts
LIMIT_FIGURES_ABOVE = ("Read as the same measure, the amount named is above these figures the {field} line "
                       "does give: {values}.")
LIMIT_FIGURES_PART = ("Read as the same measure, the amount named is above some, not all, of the figures of "
                      "these the {field} line does give: {values}.")
LIMIT_FIGURES_WITHIN = ("Read as the same measure, the amount named is not above these figures the {field} "
                        "line does give: {values}.")
LIMIT_BLANK = "With no {field} on the page, the amount named cannot be compared with one."
UNIT_CONVERTED = "In {unit}, {amount} is {converted}."
UNIT_NOT_STATED = "The {field} is given in {units} only; the monograph states no figure in {unit}."

#: the first line of one monograph's part of an answer drawn from several ("what is reference 2?"
#: with no monograph in view)
FROM_MONOGRAPH = "{title}: {line}"
#: a research finding in people of the age a treatment-dose question names, after the dose
AGE_FINDING = "A research finding in people of the age asked about: {finding} [{marker}]"

#: after the sentences that answer a question for a figure when none of them states one
NO_FIGURE = "The passages cited state no figure for what is asked."
#: after an answer none of whose lines states a figure of the kind the question names by its own
#: phrase ("how often", "how many <units>", "how long"): that phrase, as asked
FIGURE_NOT_STATED = "{asked} is not stated in the passages cited."
#: an outcome asked of that no research finding cited reports
OUTCOME_NOT_REPORTED = ("The research findings cited do not mention {outcomes}: that outcome is not reported "
                        "there.")
OUTCOMES_NOT_REPORTED = ("The research findings cited do not mention {outcomes}: those outcomes are not "
                         "reported there.")
#: the part of a cited passage that names what is asked states no figure (another part may state one)
NO_FIGURE_PART = "The passage \"{part}\" states no figure for what is asked."
#: in an answer to a question that asks several things, in place of a part the monograph does not cover
#: a kind of note the page in scope never gives ("what are the side effects of <x>?")
UNLISTED = "The {title} monograph does not list {topic}."
#: a medicine the question names that the page in scope never mentions ("I'm on <medicine>; ...")
UNMENTIONED = ("The {title} monograph does not mention {medicine}, so it says nothing about taking the two "
               "together.")
#: two supplements of the corpus asked about together, when neither page names the other
NOT_TOGETHER = ("Neither the {first} nor the {second} monograph's notes, research or summary mention the "
                "other, so they say nothing about taking the two together.")
PART_NOT_COVERED = "The monograph does not cover one part of the question, so that part is not answered here."
#: after an answer whose passages name neither side of a choice the question offers ("is it <a> or <b>?")
NEITHER_NAMED = ("The passages cited mention neither {first} nor {second}; what is asked of them is not "
                 "stated there.")
#: after a Dosage Guide field cited for someone the question says has a condition a note is about,
#: when the field's lines never name it ("he has <condition>, what's the most he can take?")
FIELD_NOT_FOR_CONDITION = ("The {field} [{marker}] gives no value for people with {condition}; its figures "
                           "are not stated for them.")
#: after an answer whose passages name one side of a choice the question offers and never the other,
#: a word the corpus never uses ("can I take <x> with <a> or <b>?")
SIDE_UNMENTIONED = "The passages cited do not mention “{side}”; what is asked of it is not stated there."
#: after an answer whose passages never mention what the question asks whether they reach ("does
#: <it> apply to <a> too?")
NOT_EXTENDED = ("The passages cited do not mention “{thing}”, so whether what they say applies to it is not "
                "stated there.")
#: after an answer to a question that sets a scene in words its passages never use ("I run marathons
#: and I'm vegetarian, how much <x> a day?"); ``things``: those words, quoted ("“a” or “b”")
SCENE_UNMENTIONED = ("The passages cited do not mention {things}, so whether that changes what they say is "
                     "not stated there.")
#: after an answer citing an ongoing trial to a question asking what a study found
ONGOING_NO_RESULTS = "The trial cited [{marker}] is ongoing: the monograph reports no results for it yet."
#: the research findings with a nutrient a product adds, after a question whether it does what its
#: description claims
CLAIM_FINDINGS = "What the monograph's research found with {nutrients}: {line}"
#: ... and when none of its findings names that nutrient
CLAIM_NONE = ("None of the {title} monograph's research findings is on {nutrient}, so the page gives no "
              "evidence for what it adds.")
#: what one product holds of a nutrient, set beside a study's dose (studies.BESIDE_TEMPLATE)
PRODUCT_AMOUNT = "The {nutrient} in one serving of {product}"
