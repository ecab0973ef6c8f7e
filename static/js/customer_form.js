// Customer form: the grade select only matters when the grade is set by hand.
document.addEventListener("DOMContentLoaded", () => {
  const grade = document.getElementById("id_grade");
  const sources = document.querySelectorAll("input[name=grade_source]");
  if (!grade || !sources.length) {
    return;
  }
  const sync = () => {
    const manual = document.querySelector("input[name=grade_source]:checked")?.value === "manual";
    grade.disabled = !manual;
  };
  sources.forEach((radio) => radio.addEventListener("change", sync));
  sync();
});
