/**
 * ISO 3166-1 alpha-3 to alpha-2, as "AAABB" pairs (the 249 assigned codes), plus the codes ICAO
 * 9303 uses on documents that are not ISO codes. Codes with no alpha-2 (UTO, stateless, UN
 * documents) are kept as printed by the caller.
 */
const ISO_PAIRS =
  "ABWAW AFGAF AGOAO AIAAI ALAAX ALBAL ANDAD AREAE ARGAR ARMAM ASMAS ATAAQ ATFTF ATGAG AUSAU AUTAT " +
  "AZEAZ BDIBI BELBE BENBJ BESBQ BFABF BGDBD BGRBG BHRBH BHSBS BIHBA BLMBL BLRBY BLZBZ BMUBM BOLBO " +
  "BRABR BRBBB BRNBN BTNBT BVTBV BWABW CAFCF CANCA CCKCC CHECH CHLCL CHNCN CIVCI CMRCM CODCD COGCG " +
  "COKCK COLCO COMKM CPVCV CRICR CUBCU CUWCW CXRCX CYMKY CYPCY CZECZ DEUDE DJIDJ DMADM DNKDK DOMDO " +
  "DZADZ ECUEC EGYEG ERIER ESHEH ESPES ESTEE ETHET FINFI FJIFJ FLKFK FRAFR FROFO FSMFM GABGA GBRGB " +
  "GEOGE GGYGG GHAGH GIBGI GINGN GLPGP GMBGM GNBGW GNQGQ GRCGR GRDGD GRLGL GTMGT GUFGF GUMGU GUYGY " +
  "HKGHK HMDHM HNDHN HRVHR HTIHT HUNHU IDNID IMNIM INDIN IOTIO IRLIE IRNIR IRQIQ ISLIS ISRIL ITAIT " +
  "JAMJM JEYJE JORJO JPNJP KAZKZ KENKE KGZKG KHMKH KIRKI KNAKN KORKR KWTKW LAOLA LBNLB LBRLR LBYLY " +
  "LCALC LIELI LKALK LSOLS LTULT LUXLU LVALV MACMO MAFMF MARMA MCOMC MDAMD MDGMG MDVMV MEXMX MHLMH " +
  "MKDMK MLIML MLTMT MMRMM MNEME MNGMN MNPMP MOZMZ MRTMR MSRMS MTQMQ MUSMU MWIMW MYSMY MYTYT NAMNA " +
  "NCLNC NERNE NFKNF NGANG NICNI NIUNU NLDNL NORNO NPLNP NRUNR NZLNZ OMNOM PAKPK PANPA PCNPN PERPE " +
  "PHLPH PLWPW PNGPG POLPL PRIPR PRKKP PRTPT PRYPY PSEPS PYFPF QATQA REURE ROURO RUSRU RWARW SAUSA " +
  "SDNSD SENSN SGPSG SGSGS SHNSH SJMSJ SLBSB SLESL SLVSV SMRSM SOMSO SPMPM SRBRS SSDSS STPST SURSR " +
  "SVKSK SVNSI SWESE SWZSZ SXMSX SYCSC SYRSY TCATC TCDTD TGOTG THATH TJKTJ TKLTK TKMTM TLSTL TONTO " +
  "TTOTT TUNTN TURTR TUVTV TWNTW TZATZ UGAUG UKRUA UMIUM URYUY USAUS UZBUZ VATVA VCTVC VENVE VGBVG " +
  "VIRVI VNMVN VUTVU WLFWF WSMWS YEMYE ZAFZA ZMBZM ZWEZW ";

/** ICAO 9303 part 3 codes that are not ISO 3166 alpha-3. */
const ICAO_EXTRA: Record<string, string> = {
  D: "DE", GBD: "GB", GBN: "GB", GBO: "GB", GBP: "GB", GBS: "GB", RKS: "XK", EUE: "EU",
};

const ALPHA2 = new Map<string, string>([
  ...ISO_PAIRS.trim().split(" ").map((pair) => [pair.slice(0, 3), pair.slice(3)] as [string, string]),
  ...Object.entries(ICAO_EXTRA),
]);

/** Codes ICAO sets aside for specimens: accepted, and the document flagged as a specimen. */
export const SPECIMEN_STATES = new Set(["UTO"]);

/** The alpha-2 code of an MRZ state code (fillers stripped), or null when it has none. */
export function alpha2Of(code: string): string | null {
  return ALPHA2.get(code.replace(/<+$/, "")) ?? null;
}

/** Letters the MRZ's OCR-B is misread as, each way (W as H or N, D as O, …). */
const CONFUSED: Record<string, string> = {
  H: "MNWK", M: "HNW", N: "HMW", W: "HMNV", O: "DQCU", D: "O", Q: "O", C: "GO", G: "C", U: "OV", V: "UYW",
  I: "LTJ", L: "I", J: "I", E: "FB", F: "EP", P: "FR", R: "PBK", B: "RE", K: "RX", X: "K", Y: "V",
};

/** Whether a state code field (fillers and all) holds a code: a state, ICAO's own, a specimen's, or none at all. */
export function isStateCode(field: string): boolean {
  const code = field.replace(/<+$/, "");
  return code === "" || ALPHA2.has(code) || SPECIMEN_STATES.has(code);
}

/**
 * A state code that is no state, repaired to the one state code a single misread letter away, if
 * there is exactly one (SNE is SWE, THN is TWN); null when none or several are.
 */
export function nearestStateCode(field: string): string | null {
  if (isStateCode(field)) return field;
  const found = new Set<string>();
  for (let i = 0; i < field.length; i++) {
    for (const other of CONFUSED[field[i]!] ?? "") {
      const candidate = field.slice(0, i) + other + field.slice(i + 1);
      if (isStateCode(candidate)) found.add(candidate);
    }
  }
  return found.size === 1 ? [...found][0]! : null;
}
