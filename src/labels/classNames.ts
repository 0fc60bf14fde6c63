/**
 * The names under which an Open Images class can be recognised, beside its description.
 *
 * Open Images descriptions are everyday English ("Human eye", "Moths and butterflies", "Drill (Tool)");
 * WordNet names the same things with its own lemmas ("eye", "lepidopteran", "drill"). These aliases bridge
 * the two where the description alone does not appear in WordNet, or names a different thing there.
 * `lemma#N` names only the N-th noun sense of the lemma (WordNet's sense order); a leading `~` keeps an alias
 * out of exact-name matching (WordNet only): "head" alone is as often a headland as a human head.
 */
export const CLASS_ALIASES: Readonly<Record<string, readonly string[]>> = {
  Football: ['soccer ball'],
  Cabinetry: ['cabinet#1'],
  'Human eye': ['~eye#1'],
  'Human beard': ['~beard#1'],
  'Human mouth': ['~mouth#1'],
  'Human leg': ['~leg#1'],
  'Human ear': ['~ear#1'],
  'Human hair': ['~hair#1'],
  'Human arm': ['~arm#1'],
  'Human nose': ['~nose#1'],
  'Human hand': ['~hand#1'],
  'Human foot': ['~foot#1'],
  'Human head': ['~head#1'],
  'Vehicle registration plate': ['license plate', 'numberplate'],
  'Traffic sign': ['street sign'],
  'Land vehicle': ['wheeled vehicle', 'tracked vehicle'],
  'Medical equipment': ['medical instrument', '~neck brace', '~oxygen mask'],
  'Slow cooker': ['crock pot'],
  'Flying disc': ['frisbee'],
  'Salt and pepper shakers': ['saltshaker', 'salt shaker', 'pepper shaker'],
  'Mechanical fan': ['fan#1'],
  Nightstand: ['night table'],
  'Street light': ['street lamp', 'streetlight'],
  'Power plugs and sockets': ['male plug', 'electric outlet'],
  'Door handle': ['doorknob', 'door handle'],
  'Stationary bicycle': ['exercise bike', 'exercycle'],
  'Indoor rower': ['rowing machine'],
  'Fashion accessory': ['accoutrement', '~hair slide', '~buckle#1', '~handkerchief'],
  'Swim cap': ['bathing cap', 'swimming cap'],
  'Bathroom cabinet': ['medicine chest', 'medicine cabinet'],
  'Ring binder': ['ring-binder', 'ring binder'],
  'Personal flotation device': ['life jacket', 'life preserver'],
  'Table tennis racket': ['table-tennis racquet', 'table-tennis bat', 'ping-pong paddle'],
  'Infant bed': ['crib#1'],
  Jacuzzi: ['hot tub'],
  'High heels': ['high heel', 'spike heel'],
  Coffeemaker: ['coffee maker'],
  'Wine glass': ['wineglass'],
  'Waste container': ['ashcan', 'wastebin', 'trash can', 'garbage can'],
  'Garden Asparagus': ['asparagus'],
  'Moths and butterflies': ['lepidopteran', 'moth'],
  'Marine mammal': ['aquatic mammal'],
  'Serving tray': ['tray'],
  'Kitchen & dining room table': ['dining table', 'kitchen table'],
  'Luggage and bags': ['luggage', 'baggage', 'bag#1'],
  'Band-aid': ['band aid', 'adhesive bandage'],
  'Rays and skates': ['~ray#7', '~skate#2'],
  'Bronze sculpture': ['~bronze#2'],
  // The everyday sunflower is the common sunflower (Helianthus annuus), a species below WordNet's "sunflower".
  'Common sunflower': ['sunflower'],
  'Common fig': ['fig'],
  Jeans: ['jean', 'blue jean'],
  Laptop: ['notebook computer'],
  Flower: ['liliaceous plant'],
  'Personal care': ['toiletry'],
  Mushroom: ['fungus'],
  Watch: ['stopwatch'],
  Footwear: ['~footwear#2'],
  // A shop is a building to a photo of it (bakery, bookshop, butcher shop, ...).
  Building: ['~mercantile establishment', '~plant#1', '~correctional institution', '~roof#1'],
  Stairs: ['~bannister#2'],
  Window: ['~window screen'],
  Fireplace: ['~fire screen'],
  Door: ['~shoji'],
  Kitchenware: ['~plate rack'],
  Dessert: ['trifle#1'],
  'Computer keyboard': ['~space bar'],
  Towel: ['~dishrag'],
  'Kitchen utensil': ['~strainer'],
  Toy: ['~jigsaw puzzle'],
  'Sports equipment': ['~puck#2', '~snorkel'],
  Book: ['~book jacket', 'comic book'],
  'Auto part': ['~brake#1', '~grille#2', '~oil filter', '~odometer'],
  Tool: ['tool kit', '~paintbrush', '~broom#1', '~swab#2'],
  'Tablet computer': ['~hand-held computer'],
  Hat: ['~cap#1'],
  Tower: ['~obelisk'],
  Sculpture: ['~totem pole'],
  Clothing: ['~bib#2', '~ski mask'],
  House: ['~dwelling'],
  'Cassette deck': ['tape player', 'cassette player'],
  Calculator: ['abacus'],
  'Computer monitor': ['monitor#4', 'crt screen'],
  Lamp: ['~lamp#2', '~lampshade'],
  Cart: ['~cart#2'],
  Helmet: ['~helmet#1'],
  'Nail (Construction)': ['nail#2'],
  'Squash (Plant)': ['squash#2'],
  'Marine invertebrates': [],
};

/**
 * The WordNet sense (1-based) a description means when it is not the first concrete sense of the word:
 * Open Images' "Plant" is the organism (plant#2), not the factory (plant#1).
 */
export const DESCRIPTION_SENSES: Readonly<Record<string, number>> = {
  Person: 1,
  Man: 1,
  Woman: 1,
  Boy: 1,
  Girl: 1,
  Plant: 2,
  Glove: 2,
  Cake: 3,
  Paddle: 4,
  Beehive: 4,
  Poster: 1,
  Gondola: 2,
  Seahorse: 2,
  Jellyfish: 2,
  Castle: 2,
  Hedgehog: 2,
  Helmet: 2,
  Crown: 4,
  Kite: 3,
  Dolphin: 2,
  Hammer: 2,
  Barrel: 2,
  Stretcher: 3,
  Van: 5,
  Toilet: 2,
  'Tin can': 2,
  Grinder: 3,
  Television: 3,
  Book: 2,
  Scale: 7,
  Plate: 4,
  Mixer: 4,
  Rose: 1,
  Cannon: 1,
  Drum: 1,
  Food: 1,
  Fruit: 1,
  Flag: 1,
  Mug: 4,
  Bust: 3,
  Toy: 1,
  Pen: 1,
  Willow: 1,
  Skirt: 2,
  Shellfish: 1,
};

export interface ClassName {
  /** Lower case, spaces between words. */
  text: string;
  /** Only this noun sense (1-based) when set; otherwise every fitting sense. */
  sense?: number;
  /** "Tool" for "Drill (Tool)": only senses below a synset of this lemma (or the first sense). */
  qualifier?: string;
  /** True for the description itself, false for an alias. */
  description: boolean;
  /** Whether a label equal to this name links by name alone (false for `~` aliases). */
  exact: boolean;
}

/** Every name of a class: its description (without a "(Qualifier)") and its aliases. */
export function classNames(description: string): ClassName[] {
  const match = /^(.*?)\s*\(([^)]+)\)\s*$/.exec(description);
  const base = normalizeName(match ? match[1] : description);
  const names: ClassName[] = [{ text: base, sense: DESCRIPTION_SENSES[description], qualifier: match ? normalizeName(match[2]) : undefined, description: true, exact: true }];
  for (const alias of CLASS_ALIASES[description] ?? []) {
    const [text, sense] = alias.replace(/^~/, '').split('#');
    names.push({ text: normalizeName(text), sense: sense ? Number(sense) : undefined, description: false, exact: !alias.startsWith('~') });
  }
  return names;
}

/** Lower case, single spaces, underscores as spaces: how labels and class names are compared. */
export function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}
